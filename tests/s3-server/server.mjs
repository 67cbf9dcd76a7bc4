// A real S3-protocol server (s3rver, objects on disk) on loopback, so the archive's tests put, get and list objects
// over the same HTTP API and signatures any S3-compatible store speaks.
//
// Environment: S3_PORT (0 picks a free port), S3_DIR (where objects are kept), S3_BUCKET (created at start).
// Prints one line "READY <port>" when it accepts requests; exits on SIGTERM/SIGINT or when stdin closes.
import S3rver from 's3rver'

const server = new S3rver({
  address: '127.0.0.1',
  port: Number.parseInt(process.env.S3_PORT ?? '0', 10),
  directory: process.env.S3_DIR,
  silent: true,
  configureBuckets: [{ name: process.env.S3_BUCKET ?? 'evaratech-archive' }],
})

const { port } = await server.run()
console.log(`READY ${port}`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  try {
    await server.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
