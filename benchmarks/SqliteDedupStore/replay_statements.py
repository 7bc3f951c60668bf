"""The SQLite deduplication store's claim and mark set statements replayed outside .NET (issue 12, sessions 7-8).

Groups of 470 IDs: the previous group's marks, then this group's claims, in requests of 64, one BEGIN IMMEDIATE
transaction per group, WAL with synchronous = NORMAL. Prints the process CPU per ID.

    python3 replay_statements.py shipped|noindex|rowid [IDs, default 100000] [v7|v4]

shipped: the WITHOUT ROWID table with the partial processed_at index (up to session 7); noindex: the same without the
index (no bounded purge possible); rowid: the rowid table of session 8 (its purge searches a rowid range).
"""
import sqlite3, uuid, json, os, sys, time, resource
T='message_deduplication'
variant=sys.argv[1]; n=int(sys.argv[2]) if len(sys.argv)>2 else 100000
path=f'/tmp/sqlite-dedup-replay-{variant}.db'
for s in ('','-wal','-shm'):
    if os.path.exists(path+s): os.remove(path+s)
c=sqlite3.connect(path, isolation_level=None)
c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA synchronous=NORMAL')
cols="""consumer_group TEXT NOT NULL, message_id TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('claimed','processed')),
 lease_expires_at INTEGER NULL, processed_at INTEGER NULL, owner BLOB NULL, PRIMARY KEY (consumer_group, message_id)"""
if variant in ('shipped','noindex'):
    c.execute(f'CREATE TABLE {T} ({cols}) WITHOUT ROWID')
else:
    c.execute(f'CREATE TABLE {T} ({cols})')
if variant=='shipped':
    c.execute(f"CREATE INDEX {T}_processed_at ON {T} (processed_at) WHERE state = 'processed'")
claim=f"""INSERT INTO {T} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
 SELECT ?1, value, 'claimed', ?2, NULL, ?3 FROM json_each(?4) WHERE true
 ON CONFLICT (consumer_group, message_id) DO UPDATE SET lease_expires_at = excluded.lease_expires_at, owner = excluded.owner
 WHERE {T}.state = 'claimed' AND {T}.lease_expires_at <= ?5"""
mark=f"""INSERT INTO {T} (consumer_group, message_id, state, lease_expires_at, processed_at, owner)
 SELECT ?1, value, 'processed', NULL, ?2, NULL FROM json_each(?4) WHERE true
 ON CONFLICT (consumer_group, message_id) DO UPDATE SET state = 'processed', lease_expires_at = NULL, processed_at = excluded.processed_at, owner = NULL
 WHERE {T}.state = 'claimed' AND ({T}.owner = ?3 OR {T}.lease_expires_at <= ?2)"""
mode=sys.argv[3] if len(sys.argv)>3 else 'v7'
def v7(i):
    ms=1_700_000_000_000+i//10
    b=ms.to_bytes(6,'big')+os.urandom(10)
    return str(uuid.UUID(bytes=b))
ids=[v7(i) for i in range(n)] if mode=='v7' else [str(uuid.uuid4()) for _ in range(n)]
G=470; R=64; owner=uuid.uuid4().bytes; g='bench-group'
prev=[]
r0=resource.getrusage(resource.RUSAGE_SELF); t0=time.time()
now=1_700_000_000_000
for s in range(0,n+G,G):
    cur=ids[s:s+G]; now+=7
    c.execute('BEGIN IMMEDIATE')
    for k in range(0,len(prev),R):
        c.execute(mark,(g,now,owner,json.dumps(prev[k:k+R])))
    for k in range(0,len(cur),R):
        c.execute(claim,(g,now+30000,owner,json.dumps(cur[k:k+R]),now))
    c.execute('COMMIT')
    prev=cur
r1=resource.getrusage(resource.RUSAGE_SELF)
cpu=(r1.ru_utime-r0.ru_utime)+(r1.ru_stime-r0.ru_stime)
print(f'{variant} {mode}: {cpu/n*1e6:.2f} us/ID cpu (user {(r1.ru_utime-r0.ru_utime)/n*1e6:.2f} sys {(r1.ru_stime-r0.ru_stime)/n*1e6:.2f}), wall {(time.time()-t0):.2f}s, size {os.path.getsize(path)/1e6:.1f} MB')
