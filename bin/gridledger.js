#!/usr/bin/env node
// The gridledger CLI: runs the compiled build (npm install builds it; `npm run build` refreshes it).
process.env.GRIDLEDGER_CLI = '1'
await import('../dist/src/cli/main.js')
