// Test fixture: starts a grandchild in the same process group, prints "child <pid>", then idles.
import { spawn } from 'node:child_process';

const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log(`child ${child.pid}`);
setInterval(() => {}, 1000);
