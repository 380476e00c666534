// Function test fixture: prints LINES numbered lines ("line 1" ...) when loaded, then one more every INTERVAL_MS.
const lines = Number(process.env.LINES ?? 100);
let n = 0;
const write = () => process.stdout.write(`line ${++n}\n`);
for (let i = 0; i < lines; i++) write();
const interval = Number(process.env.INTERVAL_MS ?? 0);
if (interval > 0) setInterval(write, interval);

export default () => ({ lines: n });
