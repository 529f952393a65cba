// The layer rules of docs/ARCHITECTURE.md, checked in npm test (test/architecture/layers.test.ts)
// and by `npm run depcruise`. Add an exception only with a comment saying why and who removes it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-self-contained',
      comment: 'The domain imports nothing outside src/domain: no store, app, http, projections or import.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'domain-imports-no-framework',
      comment:
        'No npm package in the domain but luxon, a date library (calendar dates in Europe/London, ' +
        'financial quarters); no fastify, zod, pino, database client or node built-in.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core', 'unknown', 'undetermined'], pathNot: '(^|/)node_modules/luxon/' },
    },
    {
      name: 'lower-layers-do-not-import-app-or-http',
      comment: 'The store, projections and import are used by the application and HTTP layers, never the reverse.',
      severity: 'error',
      from: { path: '^src/(store|projections|import)/' },
      to: { path: '^src/(app|http|cli)/|^src/server\\.ts$' },
    },
    {
      name: 'http-does-not-import-the-store',
      comment: 'HTTP goes through the application layer (src/app) for anything the store does.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/store/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
  },
}
