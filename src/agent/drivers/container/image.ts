// Local images without a registry: a rootfs of the host's Node binary, its shared libraries and given files, imported.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Podman } from './podman.js';

/** A host file or directory copied into the image at `dest` (an absolute path inside the image). */
export interface ImageFile {
  src: string;
  dest: string;
}

export interface NodeImageOptions {
  /** Repository name, e.g. `continuum/three-tier` (stored as `localhost/<name>`). */
  name: string;
  files: ImageFile[];
  /** Node binary to ship (default: the one running this code). */
  node?: string;
}

/** The shared libraries `ldd` lists for a binary (absolute paths, symlinks resolved later by copying). */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/[^\s)]+)/g)].map((m) => m[1]!).filter((p) => !p.startsWith(binary));
}

/** Every regular file under `p` with its content, for the content hash. */
function hashTree(h: ReturnType<typeof createHash>, p: string, as: string): void {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const e of readdirSync(p).sort()) hashTree(h, join(p, e), join(as, e));
    return;
  }
  h.update(`${as}\0${st.mode & 0o777}\0`);
  h.update(readFileSync(p));
}

/**
 * The reference of the image for these contents: `localhost/<name>@sha256:<manifest digest>`, built and
 * imported into the podman home only when no image with the same content tag exists there yet.
 * The rootfs holds /bin/node, its libraries, /etc/passwd (root and nobody), /tmp and /work, and `files`.
 */
export async function ensureNodeImage(podman: Podman, o: NodeImageOptions): Promise<string> {
  const node = realpathSync(o.node ?? process.execPath);
  const libs = sharedLibraries(node);
  const h = createHash('sha256');
  h.update('continuum-node-image-v1\0');
  hashTree(h, node, '/bin/node');
  for (const l of libs) hashTree(h, realpathSync(l), l);
  for (const f of o.files) hashTree(h, f.src, f.dest);
  const tag = h.digest('hex').slice(0, 20);
  const ref = `localhost/${o.name}:${tag}`;
  const found = await digestOf(podman, ref);
  if (found) return `localhost/${o.name}@${found}`;
  const root = mkdtempSync(join(tmpdir(), 'continuum-rootfs-'));
  try {
    for (const d of ['bin', 'etc', 'tmp', 'work']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(node, join(root, 'bin/node'));
    for (const l of libs) {
      mkdirSync(join(root, dirname(l)), { recursive: true });
      copyFileSync(realpathSync(l), join(root, l));
    }
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/work:/bin/false\nnobody:x:65534:65534::/:/bin/false\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    for (const f of o.files) {
      mkdirSync(dirname(join(root, f.dest)), { recursive: true });
      cpSync(f.src, join(root, f.dest), { recursive: true });
    }
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await podman.ok(['import', '--change', 'ENV PATH=/bin', '--change', 'WORKDIR /work', '-', ref], {
      input: tar.stdout,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const digest = await digestOf(podman, ref);
  if (!digest) throw new Error(`imported ${ref} but podman reports no digest for it`);
  return `localhost/${o.name}@${digest}`;
}

/** The manifest digest of a local image, or undefined when there is no such image. */
export async function digestOf(podman: Podman, ref: string): Promise<string | undefined> {
  const r = await podman.exec(['image', 'inspect', '--format', '{{.Digest}}', ref]);
  const d = r.stdout.trim();
  return r.code === 0 && /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
}
