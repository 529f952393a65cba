// Headless Chromium (Debian's `chromium`), spawned directly, for tests of what people look at:
// screenshots and print-to-PDF of the pages gridledger serves. Absent Chromium, the tests skip
// and say so (see `chromiumOrSkipReason`).
import { execFile, execFileSync } from 'node:child_process'
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PNG } from 'pngjs'

// CHROMIUM_PATH, when set, is the only one tried (also how to see the skip: CHROMIUM_PATH=/nowhere).
const CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']

/** The Chromium binary, or null. */
export function findChromium(): string | null {
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {
      // not this one
    }
  }
  return null
}

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumOrSkipReason(): string | null {
  return findChromium() ? null : `Chromium not found (looked for ${CANDIDATES.join(', ')}; .ci/run installs Debian's chromium): browser rendering checks skipped`
}

/** True when fontconfig knows Liberation Sans (the pages' first font: layout, and so page counts, then hold). */
export function hasLiberationSans(): boolean {
  try {
    return execFileSync('fc-list', [':family=Liberation Sans'], { encoding: 'utf8' }).trim().length > 0
  } catch {
    return false
  }
}

function run(args: string[], dir: string): Promise<void> {
  const binary = findChromium()
  if (!binary) throw new Error('Chromium not found')
  const common = [
    '--headless', '--disable-gpu', '--no-sandbox', '--no-first-run', '--no-default-browser-check', '--disable-extensions',
    '--disable-background-networking', '--disable-sync', '--hide-scrollbars', '--force-device-scale-factor=1', '--mute-audio',
    `--user-data-dir=${join(dir, 'profile')}`,
  ]
  return new Promise((resolve, reject) => {
    execFile(binary, [...common, ...args], { timeout: 180_000, env: { ...process.env, HOME: dir } }, error => (error ? reject(error) : resolve()))
  })
}

function pageFile(html: string): { dir: string; url: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gridledger-browser-'))
  const file = join(dir, 'page.html')
  writeFileSync(file, html)
  return { dir, url: pathToFileURL(file).href }
}

/** A screenshot of `html` in a window `width` × `height` CSS pixels, decoded. */
export async function screenshot(html: string, width: number, height: number): Promise<PNG> {
  const { dir, url } = pageFile(html)
  try {
    const png = join(dir, 'shot.png')
    await run([`--window-size=${width},${height}`, `--screenshot=${png}`, url], dir)
    return PNG.sync.read(readFileSync(png))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `html` printed to PDF by Chromium (the page's own @page rules), as bytes. */
export async function printToPdf(html: string): Promise<Buffer> {
  const { dir, url } = pageFile(html)
  try {
    const pdf = join(dir, 'page.pdf')
    await run(['--no-pdf-header-footer', `--print-to-pdf=${pdf}`, url], dir)
    return readFileSync(pdf)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export type Rgb = [number, number, number]

export function hexRgb(hex: string): Rgb {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]
}

export function pixel(png: PNG, x: number, y: number): Rgb {
  const i = (png.width * y + x) << 2
  return [png.data[i], png.data[i + 1], png.data[i + 2]]
}

export function near(a: Rgb, b: Rgb, tolerance = 14): boolean {
  return Math.abs(a[0] - b[0]) <= tolerance && Math.abs(a[1] - b[1]) <= tolerance && Math.abs(a[2] - b[2]) <= tolerance
}

/**
 * Runs of the named colours down one pixel column, top to bottom: [{name, top, bottom}], runs
 * shorter than `minHeight` pixels ignored (borders, antialiasing).
 */
export function colourRuns(png: PNG, x: number, colours: Record<string, Rgb>, minHeight = 6): Array<{ name: string; top: number; bottom: number }> {
  const runs: Array<{ name: string; top: number; bottom: number }> = []
  let current: { name: string; top: number; bottom: number } | null = null
  for (let y = 0; y < png.height; y++) {
    const p = pixel(png, x, y)
    const name = Object.keys(colours).find(k => near(p, colours[k])) ?? null
    if (current && name === current.name) {
      current.bottom = y
      continue
    }
    if (current && current.bottom - current.top + 1 >= minHeight) runs.push(current)
    current = name ? { name, top: y, bottom: y } : null
  }
  if (current && current.bottom - current.top + 1 >= minHeight) runs.push(current)
  return runs
}
