// The power-loss filesystem itself (test/support/powerLossFs.py): what a simulated power cut
// keeps and loses, checked through ordinary file calls before the store trials rely on it.
import t, { type Test } from 'tap'
import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mountPowerLossFs, powerLossFsUnavailable, type PowerLossMount } from '../support/powerLossFs.js'

const unavailable = await powerLossFsUnavailable()
if (unavailable) t.comment(`power-loss filesystem tests skipped: ${unavailable}`)

/** A mount; `cut` cuts the power and mounts again from what reached the disk. */
async function fresh(t: Test, names: 'strict' | 'immediate' = 'strict') {
  const root = mkdtempSync(join(tmpdir(), 'gridledger-plfs-'))
  const state = join(root, 'disk')
  const dir = join(root, 'mnt')
  let mount: PowerLossMount = await mountPowerLossFs(state, dir, { names })
  t.teardown(async () => {
    await mount.unmount()
    rmSync(root, { recursive: true, force: true })
  })
  return {
    dir,
    path: (name: string) => join(dir, name),
    async cut(mode: 'drop' | 'torn' = 'drop', seed = 1) {
      const report = await mount.cut(mode, seed)
      await mount.unmount()
      mount = await mountPowerLossFs(state, dir, { names })
      return report
    },
    syncDir() {
      const fd = openSync(dir, 'r')
      fsyncSync(fd)
      closeSync(fd)
    },
  }
}

function write(path: string, data: string | Buffer, position = 0, sync: 'none' | 'fsync' | 'fdatasync' = 'none') {
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w+')
  writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data, 0, undefined, position)
  if (sync === 'fsync') fsyncSync(fd)
  if (sync === 'fdatasync') fdatasyncSync(fd)
  closeSync(fd)
}

t.test('power-loss filesystem', { skip: unavailable ?? false }, async t => {
  t.test('reads see unsynced writes; a power cut loses them and keeps what fdatasync covered', async t => {
    const fs = await fresh(t)
    write(fs.path('a'), 'durable text', 0, 'fdatasync')
    fs.syncDir()
    write(fs.path('a'), 'LOST', 0)
    t.equal(readFileSync(fs.path('a'), 'utf8'), 'LOSTble text', 'before the cut, reads see the unsynced write (the page cache)')
    const report = await fs.cut()
    t.same(Object.keys(report.files), ['a'], 'the cut reports the file with unsynced writes')
    t.equal(readFileSync(fs.path('a'), 'utf8'), 'durable text', 'after the cut, the file is as last synced')
  })

  t.test('fsync of one file leaves another file unsynced', async t => {
    const fs = await fresh(t)
    write(fs.path('a'), 'a0', 0, 'fsync')
    write(fs.path('b'), 'b0', 0, 'fsync')
    fs.syncDir()
    write(fs.path('a'), 'a1', 0, 'fsync')
    write(fs.path('b'), 'b1', 0)
    await fs.cut()
    t.equal(readFileSync(fs.path('a'), 'utf8'), 'a1')
    t.equal(readFileSync(fs.path('b'), 'utf8'), 'b0')
  })

  t.test('an unsynced truncation is undone', async t => {
    const fs = await fresh(t)
    write(fs.path('a'), 'x'.repeat(2000), 0, 'fsync')
    fs.syncDir()
    truncateSync(fs.path('a'), 100)
    t.equal(readFileSync(fs.path('a')).length, 100)
    await fs.cut()
    t.equal(readFileSync(fs.path('a'), 'utf8'), 'x'.repeat(2000))
  })

  t.test('an unsynced growth is undone', async t => {
    const fs = await fresh(t)
    write(fs.path('a'), 'x'.repeat(2000), 0, 'fsync')
    fs.syncDir()
    write(fs.path('a'), 'y'.repeat(3000), 2000)
    t.equal(readFileSync(fs.path('a')).length, 5000)
    await fs.cut()
    t.equal(readFileSync(fs.path('a'), 'utf8'), 'x'.repeat(2000), 'the unsynced growth is gone')
  })

  t.test('directory entries: a new or renamed name needs an fsync of the directory (strict)', async t => {
    const fs = await fresh(t)
    write(fs.path('kept'), 'k', 0, 'fsync')
    fs.syncDir()
    write(fs.path('new'), 'n', 0, 'fsync')
    write(fs.path('tmp'), 'r', 0, 'fsync')
    renameSync(fs.path('tmp'), fs.path('kept'))
    t.same(readdirSync(fs.dir).sort(), ['kept', 'new'])
    const report = await fs.cut()
    t.same(report.namesLost, ['kept', 'new'], 'the cut names the entries it loses')
    t.same(readdirSync(fs.dir).sort(), ['kept'], 'the file created since the directory sync is gone')
    t.equal(readFileSync(fs.path('kept'), 'utf8'), 'k', 'the rename is undone')
    write(fs.path('new'), 'n', 0, 'fsync')
    fs.syncDir()
    await fs.cut()
    t.equal(readFileSync(fs.path('new'), 'utf8'), 'n', 'after a directory fsync the new name survives')
  })

  t.test('directory entries survive at once with --names=immediate', async t => {
    const fs = await fresh(t, 'immediate')
    write(fs.path('new'), 'n', 0, 'fsync')
    await fs.cut()
    t.equal(readFileSync(fs.path('new'), 'utf8'), 'n')
  })

  t.test('a torn cut keeps some unsynced 512-byte sectors whole and loses the others', async t => {
    const fs = await fresh(t)
    const sectors = 64
    write(fs.path('a'), Buffer.alloc(sectors * 512, 0x61), 0, 'fsync')
    fs.syncDir()
    write(fs.path('a'), Buffer.alloc(sectors * 512, 0x62), 0)
    const report = await fs.cut('torn', 7)
    const after = readFileSync(fs.path('a'))
    t.equal(after.length, sectors * 512)
    let kept = 0
    const mixed: number[] = []
    for (let s = 0; s < sectors; s++) {
      const sector = after.subarray(s * 512, (s + 1) * 512)
      if (sector.every(b => b === 0x62)) kept++
      else if (!sector.every(b => b === 0x61)) mixed.push(s)
    }
    t.same(mixed, [], 'every sector is wholly old or wholly new')
    t.ok(kept > 0 && kept < sectors, `some sectors reached the disk, some did not (${kept} of ${sectors})`)
    t.equal(kept, report.files.a.tornSectorsKept, 'as the cut reported')
  })
})
