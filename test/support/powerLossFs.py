#!/usr/bin/python3
# A power-loss filesystem for tests (FUSE, via Debian's python3-fusepy): a flat directory whose
# file contents and names live in two places, as on a real machine:
#   - the "page cache": what every read sees at once (cache/<inode>, rebuilt at each mount);
#   - the "disk": what a power cut leaves (disk/inodes/<inode> and disk/names.json).
# A write or truncate reaches the page cache only; fsync/fdatasync of a file copies that file's
# unsynced sectors to the disk. A name (create, unlink, rename) reaches the disk only when the
# directory is fsynced (POSIX: fsync of a file does not make its directory entry durable), or at
# once with --names=immediate. `cut` is the power cut: every unsynced sector and name is lost
# (with mode torn, a random subset of unsynced 512-byte sectors of each file reaches the disk
# first, and each file's size is the old one or the new one), then the filesystem refuses every
# call until it is unmounted; mounting again shows what reached the disk.
# The model follows LazyFS (dsrhaslab/lazyfs): its own page cache, flushed only on request.
# Only a flat directory: no subdirectories, links or xattrs (all a SQLite store needs).
#
# Usage: powerLossFs.py STATE_DIR MOUNTPOINT CONTROL_SOCKET [--names=strict|immediate]
# Control (one line in, one JSON line out, on the Unix socket):
#   stats                 counters
#   cut drop|torn SEED    the power cut; answers with what was lost
import errno
import json
import os
import random
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time

import warnings

warnings.filterwarnings('ignore', category=DeprecationWarning)
import fusepy  # noqa: E402

SECTOR = 512


class File:
    """One inode: its visible content is cache/<id>; what is on disk is disk/inodes/<id>."""

    def __init__(self, ident, cache_path, durable_size):
        self.id = ident
        self.cache_path = cache_path
        self.fd = os.open(cache_path, os.O_RDWR | os.O_CREAT, 0o644)
        # sector index -> the sector's visible bytes when last written (unsynced)
        self.dirty = {}
        # the smallest size the file was truncated to since the last sync (None: not truncated)
        self.min_size = None
        self.durable_size = durable_size
        self.mode = 0o100644
        self.mtime = time.time()

    def size(self):
        return os.fstat(self.fd).st_size

    def note_dirty(self, offset, length):
        """Remembers the sectors [offset, offset+length) touch, as the page cache now holds them."""
        if length <= 0:
            return
        first = offset // SECTOR
        last = (offset + length - 1) // SECTOR
        data = os.pread(self.fd, (last - first + 1) * SECTOR, first * SECTOR)
        for s in range(first, last + 1):
            chunk = data[(s - first) * SECTOR:(s - first + 1) * SECTOR]
            self.dirty[s] = chunk

    def unsynced(self):
        return len(self.dirty) > 0 or self.min_size is not None or self.size() != self.durable_size


class PowerLossFs:
    def __init__(self, state_dir, names_mode):
        self.mutex = threading.RLock()
        self.state_dir = state_dir
        self.disk = os.path.join(state_dir, 'disk')
        self.inodes = os.path.join(self.disk, 'inodes')
        self.cache = os.path.join(state_dir, 'cache')
        self.names_mode = names_mode
        self.dead = False
        self.stats = {'writes': 0, 'bytesWritten': 0, 'fsyncs': 0, 'dirFsyncs': 0, 'sectorsSynced': 0}
        os.makedirs(self.inodes, exist_ok=True)
        shutil.rmtree(self.cache, ignore_errors=True)
        os.makedirs(self.cache)
        names_file = os.path.join(self.disk, 'names.json')
        durable = json.load(open(names_file)) if os.path.exists(names_file) else {'next': 1, 'names': {}}
        self.next_id = durable['next']
        self.durable_names = dict(durable['names'])
        # Inodes no durable name reaches are gone after a power cut (what fsck would free).
        for ident in os.listdir(self.inodes):
            if ident not in self.durable_names.values():
                os.unlink(os.path.join(self.inodes, ident))
        self.files = {}  # id -> File (every inode still reachable or open)
        self.names = {}  # visible name -> id
        for name, ident in self.durable_names.items():
            if ident not in self.files:  # a hard-linked inode has several names: one copy
                src = os.path.join(self.inodes, ident)
                dst = os.path.join(self.cache, ident)
                shutil.copyfile(src, dst)
                self.files[ident] = File(ident, dst, os.path.getsize(src))
            self.names[name] = ident
        self.handles = {}  # fh -> id
        self.next_fh = 1
        self.root_mtime = time.time()

    # ---- helpers -----------------------------------------------------------------------------

    def __call__(self, op, *args):
        with self.mutex:
            if self.dead:
                raise fusepy.FuseOSError(errno.EIO)
            return getattr(self, op)(*args)

    def _name(self, path):
        name = path.lstrip('/')
        if '/' in name:
            raise fusepy.FuseOSError(errno.ENOENT)
        return name

    def _file(self, path, fh=None):
        if fh and fh in self.handles:
            return self.files[self.handles[fh]]
        name = self._name(path)
        if name not in self.names:
            raise fusepy.FuseOSError(errno.ENOENT)
        return self.files[self.names[name]]

    def _handle(self, ident):
        fh = self.next_fh
        self.next_fh += 1
        self.handles[fh] = ident
        return fh

    def _save_names(self):
        tmp = os.path.join(self.disk, 'names.json.tmp')
        with open(tmp, 'w') as f:
            json.dump({'next': self.next_id, 'names': self.durable_names}, f)
        os.replace(tmp, os.path.join(self.disk, 'names.json'))

    def _names_changed(self):
        if self.names_mode == 'immediate':
            self._sync_names()

    def _sync_names(self):
        # A name made durable points at an inode whose synced content must be on disk.
        for ident in set(self.names.values()) - set(self.durable_names.values()):
            path = os.path.join(self.inodes, ident)
            if not os.path.exists(path):
                open(path, 'wb').close()
                self.files[ident].durable_size = 0
        self.durable_names = dict(self.names)
        self._save_names()

    def _sync_file(self, f, sectors=None, size=None):
        """Copies f's unsynced sectors (or the given subset) and its size to the disk."""
        path = os.path.join(self.inodes, f.id)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            final = f.size() if size is None else size
            if sectors is None:
                sectors = list(f.dirty.keys())
                if f.min_size is not None:
                    os.ftruncate(fd, min(f.min_size, os.fstat(fd).st_size))
            for s in sorted(sectors):
                chunk = f.dirty[s][:max(0, final - s * SECTOR)]
                if chunk:
                    os.pwrite(fd, chunk, s * SECTOR)
            os.ftruncate(fd, final)
            self.stats['sectorsSynced'] += len(sectors)
        finally:
            os.close(fd)
        f.dirty.clear()
        f.min_size = None
        f.durable_size = final

    # ---- filesystem calls --------------------------------------------------------------------

    def getattr(self, path, fh=None):
        now = time.time()
        if path == '/':
            return {'st_mode': stat.S_IFDIR | 0o755, 'st_nlink': 2, 'st_size': 4096, 'st_atime': now, 'st_mtime': self.root_mtime, 'st_ctime': self.root_mtime, 'st_uid': os.getuid(), 'st_gid': os.getgid()}
        f = self._file(path, fh)
        return {'st_mode': f.mode, 'st_nlink': 1, 'st_size': f.size(), 'st_atime': now, 'st_mtime': f.mtime, 'st_ctime': f.mtime, 'st_uid': os.getuid(), 'st_gid': os.getgid(), 'st_blocks': (f.size() + 511) // 512, 'st_blksize': 4096}

    def access(self, path, amode):
        if path != '/':
            self._file(path)
        return 0

    def readdir(self, path, fh):
        if path != '/':
            raise fusepy.FuseOSError(errno.ENOTDIR)
        return ['.', '..'] + sorted(self.names.keys())

    def opendir(self, path):
        if path != '/':
            raise fusepy.FuseOSError(errno.ENOENT)
        return 0

    def releasedir(self, path, fh):
        return 0

    def statfs(self, path):
        st = os.statvfs(self.state_dir)
        return {k: getattr(st, k) for k in ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize', 'f_favail', 'f_ffree', 'f_files', 'f_flag', 'f_frsize', 'f_namemax')}

    def create(self, path, mode, fi=None):
        name = self._name(path)
        if name in self.names:
            f = self.files[self.names[name]]
        else:
            ident = str(self.next_id)
            self.next_id += 1
            f = File(ident, os.path.join(self.cache, ident), 0)
            f.mode = stat.S_IFREG | (mode & 0o7777)
            self.files[ident] = f
            self.names[name] = ident
            self.root_mtime = time.time()
            self._names_changed()
        return self._handle(f.id)

    def open(self, path, flags):
        f = self._file(path)
        if flags & os.O_TRUNC:
            self.truncate(path, 0)
        return self._handle(f.id)

    def read(self, path, size, offset, fh):
        return os.pread(self._file(path, fh).fd, size, offset)

    def write(self, path, data, offset, fh):
        f = self._file(path, fh)
        n = os.pwrite(f.fd, data, offset)
        f.note_dirty(offset, n)
        f.mtime = time.time()
        self.stats['writes'] += 1
        self.stats['bytesWritten'] += n
        return n

    def truncate(self, path, length, fh=None):
        f = self._file(path, fh)
        os.ftruncate(f.fd, length)
        f.min_size = length if f.min_size is None else min(f.min_size, length)
        for s in [s for s in f.dirty if s * SECTOR >= length]:
            del f.dirty[s]
        if length % SECTOR:
            f.note_dirty(length - length % SECTOR, length % SECTOR)
        f.mtime = time.time()
        return 0

    def fsync(self, path, datasync, fh):
        self._sync_file(self._file(path, fh))
        self.stats['fsyncs'] += 1
        return 0

    def fsyncdir(self, path, datasync, fh):
        self._sync_names()
        self.stats['dirFsyncs'] += 1
        return 0

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        ident = self.handles.pop(fh, None)
        self._forget(ident)
        return 0

    def _forget(self, ident):
        """Closes an inode no name and no handle reaches any more (its disk copy goes at the next mount)."""
        if ident is None or ident in self.names.values() or ident in self.handles.values():
            return
        f = self.files.pop(ident, None)
        if f is not None:
            os.close(f.fd)
            os.unlink(f.cache_path)

    def unlink(self, path):
        name = self._name(path)
        if name not in self.names:
            raise fusepy.FuseOSError(errno.ENOENT)
        ident = self.names.pop(name)
        self.root_mtime = time.time()
        self._names_changed()
        self._forget(ident)
        return 0

    def link(self, target, source):
        """A hard link: the name `target` for the inode `source` names (EEXIST if taken), durable like any name."""
        t, s = self._name(target), self._name(source)
        if s not in self.names:
            raise fusepy.FuseOSError(errno.ENOENT)
        if t in self.names:
            raise fusepy.FuseOSError(errno.EEXIST)
        self.names[t] = self.names[s]
        self.root_mtime = time.time()
        self._names_changed()
        return 0

    def rename(self, old, new):
        o, n = self._name(old), self._name(new)
        if o not in self.names:
            raise fusepy.FuseOSError(errno.ENOENT)
        replaced = self.names.get(n)
        self.names[n] = self.names.pop(o)
        self.root_mtime = time.time()
        self._names_changed()
        self._forget(replaced)
        return 0

    def chmod(self, path, mode):
        f = self._file(path)
        f.mode = stat.S_IFREG | (mode & 0o7777)
        return 0

    def chown(self, path, uid, gid):
        return 0

    def utimens(self, path, times=None):
        if path != '/':
            self._file(path).mtime = times[1] if times else time.time()
        return 0

    def mkdir(self, path, mode):
        raise fusepy.FuseOSError(errno.EPERM)

    # ---- the power cut -----------------------------------------------------------------------

    def cut(self, mode, seed):
        """Loses everything unsynced (torn: a random subset of unsynced sectors reaches the disk first)."""
        rand = random.Random(seed)
        lost = {'files': {}, 'namesLost': [], 'namesKept': []}
        with self.mutex:
            for name, ident in sorted(self.names.items()):
                f = self.files[ident]
                if not f.unsynced():
                    continue
                entry = {'unsyncedSectors': len(f.dirty), 'size': f.size(), 'durableSize': f.durable_size}
                if mode == 'torn' and name in self.durable_names and self.durable_names[name] == ident:
                    kept = [s for s in f.dirty if rand.random() < 0.5]
                    size = f.size() if rand.random() < 0.5 else f.durable_size
                    entry['tornSectorsKept'] = len(kept)
                    entry['tornSize'] = size
                    self._sync_file(f, kept, size)
                lost['files'][name] = entry
            lost['namesLost'] = sorted(n for n in self.names if self.durable_names.get(n) != self.names[n])
            lost['namesKept'] = sorted(n for n in self.durable_names if n not in self.names)
            self.dead = True
        return lost


def serve_control(fs, sock_path):
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sock_path)
    server.listen(4)
    while True:
        conn, _ = server.accept()
        with conn:
            line = b''
            while not line.endswith(b'\n'):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                line += chunk
            parts = line.decode().split()
            try:
                if parts[:1] == ['stats']:
                    with fs.mutex:
                        reply = dict(fs.stats, files=len(fs.names), dead=fs.dead)
                elif parts[:1] == ['cut'] and len(parts) == 3 and parts[1] in ('drop', 'torn'):
                    reply = fs.cut(parts[1], int(parts[2]))
                else:
                    reply = {'error': 'unknown command: ' + ' '.join(parts)}
            except Exception as e:  # report, keep serving
                reply = {'error': repr(e)}
            conn.sendall((json.dumps(reply) + '\n').encode())


def unmount_when_orphaned(fs, mountpoint):
    """If the process that mounted us dies (even by SIGKILL), cut the power and detach the mount, so none is left behind."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    with fs.mutex:
        fs.dead = True
    for command in (['umount', '-l', mountpoint], ['fusermount', '-u', '-z', mountpoint]):
        try:
            if subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                break
        except OSError:
            pass
    os._exit(1)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    names_mode = 'strict'
    for a in sys.argv[1:]:
        if a.startswith('--names='):
            names_mode = a.split('=', 1)[1]
    if len(args) != 3 or names_mode not in ('strict', 'immediate'):
        sys.stderr.write(__doc__ or 'usage: powerLossFs.py STATE_DIR MOUNTPOINT CONTROL_SOCKET [--names=strict|immediate]\n')
        sys.exit(2)
    state_dir, mountpoint, sock_path = args
    fs = PowerLossFs(state_dir, names_mode)
    threading.Thread(target=serve_control, args=(fs, sock_path), daemon=True).start()
    threading.Thread(target=unmount_when_orphaned, args=(fs, mountpoint), daemon=True).start()
    # Single-threaded: calls are applied one at a time, in the order the kernel sends them.
    # No direct_io (SQLite mmaps its -shm file) and no kernel writeback cache (each write()
    # reaches this process before it returns, so the kernel holds nothing this model misses).
    fusepy.FUSE(fs, mountpoint, foreground=True, nothreads=True, fsname='powerlossfs')


if __name__ == '__main__':
    main()
