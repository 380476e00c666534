// Three-tier example, tier 2 as a function: counts visits in the store (STORE_URL) and reports the chain.
// The function runtime calls the default export with a web-standard Request; what it returns becomes the answer.
const self = () => `api@${process.env.CONTINUUM_SITE || 'function'}`;
const storeUrl = () => (process.env.STORE_URL ?? 'http://127.0.0.1:8082').replace(/\/+$/, '');

export default async function api(request) {
  const path = new URL(request.url).pathname;
  if (path === '/healthz') return { status: 'ok', api: self() };
  if (path !== '/api/visit') return Response.json({ error: 'not found', path }, { status: 404 });
  try {
    const r = await fetch(`${storeUrl()}/items/visits/incr`, { method: 'POST', signal: AbortSignal.timeout(3000) });
    const body = await r.json();
    if (!r.ok) return Response.json({ api: self(), error: `store answered ${r.status}` }, { status: 502 });
    return { api: self(), store: body.store, count: body.value };
  } catch (err) {
    return Response.json(
      { api: self(), store: null, error: `store unreachable: ${err?.message ?? err}` },
      { status: 502 },
    );
  }
}
