# What the page's wasm is made of, in compressed bytes: each group's
# function bodies (and the data segments, as one group) compressed apart
# with zlib -9, from a names-kept build optimized as the release is.
#   wasm-bindgen --target web --no-typescript --keep-debug --out-dir /tmp/w \
#       target/wasm32-unknown-unknown/web/playground.wasm
#   node_modules/binaryen/bin/wasm-opt -Oz -g --converge \
#       /tmp/w/playground_bg.wasm -o /tmp/w/named.wasm
#   python3 scripts/bundle-groups.py /tmp/w/named.wasm
# Compressed apart, the groups lose their shared context, so their sum is
# not the file's gzip; the shares are what the figures are for (README,
# "Measured figures"). The wasm's own name section is left out.
import sys, zlib, re, collections
if len(sys.argv) != 2 or not sys.argv[1].endswith('.wasm'):
    sys.exit('usage: python3 scripts/bundle-groups.py NAMED.wasm  (see the comment at the top)')
data = open(sys.argv[1], 'rb').read()
if data[:4] != b'\0asm':
    sys.exit(f'{sys.argv[1]} is not a wasm file')
def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1; r |= (x & 0x7f) << s; s += 7
        if x < 0x80: return r, i
i = 8; sections = []
while i < len(data):
    sid = data[i]; i += 1; size, i = leb(data, i); sections.append((sid, i, size)); i += size
imports = 0; bodies = []; names = {}; datas = []
for sid, off, size in sections:
    b = data[off:off+size]
    if sid == 2:
        n, j = leb(b, 0)
        for _ in range(n):
            l, j = leb(b, j); j += l; l, j = leb(b, j); j += l
            kind = b[j]; j += 1
            if kind == 0: _, j = leb(b, j); imports += 1
            elif kind == 1: j += 1; fl = b[j]; j += 1; _, j = leb(b, j); j = leb(b, j)[1] if fl & 1 else j
            elif kind == 2: fl = b[j]; j += 1; _, j = leb(b, j); j = leb(b, j)[1] if fl & 1 else j
            elif kind == 3: j += 2
    elif sid == 10:
        n, j = leb(b, 0)
        for _ in range(n):
            l, j = leb(b, j); bodies.append(b[j:j+l]); j += l
    elif sid == 11:
        datas.append(b)
    elif sid == 0:
        l, j = leb(b, 0); nm = b[j:j+l].decode(); j += l
        if nm == 'name':
            while j < len(b):
                sub = b[j]; j += 1; sz, j = leb(b, j); end = j + sz
                if sub == 1:
                    n, k = leb(b, j)
                    for _ in range(n):
                        idx, k = leb(b, k); l, k = leb(b, k); names[idx] = b[k:k+l].decode('utf8', 'replace'); k += l
                j = end
def group(n):
    m = re.search(r'raft_playground::(\w+)::(\w+)', n)
    if m and not n.startswith(('<core', 'core', '<alloc', 'alloc', 'yew', '<yew', 'serde', '<serde')):
        a, b = m.groups()
        return {'ui': 'ui (our Yew views)', 'view': 'view (our view model)', 'sim': 'sim::' + b if b in ('format',) else 'sim (simulator, checkers)', 'raft': 'raft (the core)'}.get(a, a)
    if re.match(r'^<?&?(mut )?yew', n) or 'yew::' in n[:60]: return 'yew'
    if re.match(r'^<?(serde|postcard|base64)', n): return 'serde, postcard, base64'
    if re.match(r'^<?(wasm_bindgen|js_sys|web_sys|__wbg|__wbindgen)', n) or 'wasm_bindgen' in n[:40]: return 'wasm-bindgen, js-sys, web-sys'
    if re.match(r'^<?(core|alloc|std|dlmalloc|hashbrown|compiler_builtins|__rust|<f64|<char|<str|<\[|<&)', n): return 'std (core, alloc, fmt, allocator, collections)'
    return 'other'
groups = collections.defaultdict(bytearray)
for k, body in enumerate(bodies):
    groups[group(names.get(imports + k, '?'))] += body
groups['data (strings, tables)'] = bytearray(b''.join(datas))
total = zlib.compress(data, 9)
rows = sorted(((len(zlib.compress(bytes(v), 9)), len(v), k) for k, v in groups.items()), reverse=True)
s = sum(r[0] for r in rows)
print(f'whole file (names included): {len(data)} bytes, {len(total)} zlib -9; groups compressed apart: {s}')
for gz, raw, k in rows:
    print(f'{k:48s} {raw:8d} {gz:7d}  {100*gz/s:5.1f}%')
