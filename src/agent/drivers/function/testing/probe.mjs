// Function test fixture (hostile tenant): reports whether it can read or list a path given in ?path=.
import { readdirSync, readFileSync } from 'node:fs';

export default function probe(request) {
  const path = new URL(request.url).searchParams.get('path') ?? '/';
  const out = { uid: process.getuid?.(), path };
  try {
    out.read = readFileSync(path, 'utf8').length;
  } catch (e) {
    out.readError = e.code;
  }
  try {
    out.list = readdirSync(path).length;
  } catch (e) {
    out.listError = e.code;
  }
  return out;
}
