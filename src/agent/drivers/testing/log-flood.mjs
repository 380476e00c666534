// Test fixture: prints LINES numbered lines ("line 1" ...), then one more every INTERVAL_MS (if set); PAD adds bytes per line.
const lines = Number(process.env.LINES ?? 100);
const pad = 'x'.repeat(Number(process.env.PAD ?? 0));
let n = 0;
const write = () => process.stdout.write(`line ${++n}${pad ? ` ${pad}` : ''}\n`);
for (let i = 0; i < lines; i++) write();
const interval = Number(process.env.INTERVAL_MS ?? 0);
if (interval > 0) setInterval(write, interval);
else setInterval(() => {}, 1000);
