import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Supabase project's auth server (GoTrue's password and refresh-token grants), for the console's
 * Supabase sign-in: it checks the password with the platform's own local login, then signs a Supabase-shaped token
 * (HS256, aud "authenticated") with the project secret the platform validates, as Supabase would.
 */
export class FakeSupabase {
  readonly grants: { type: string; token: string }[] = [];
  private readonly sessionId = randomUUID();
  private server: Server | null = null;

  constructor(
    private readonly platform: string,
    private readonly secret: string,
    private readonly issuer: string,
    private readonly lifetimeSeconds: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Allow-Headers', '*');
    response.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    if (request.method === 'OPTIONS') return void response.writeHead(204).end();
    const url = new URL(request.url ?? '/', this.url);
    const body = await new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => resolve(text));
    });
    if (url.pathname === '/auth/v1/logout') return void response.writeHead(204).end();
    if (url.pathname !== '/auth/v1/token') return void response.writeHead(404).end();

    const input = JSON.parse(body || '{}') as { email?: string; password?: string; refresh_token?: string };
    let user: { id: string; email: string };
    if (url.searchParams.get('grant_type') === 'password') {
      const login = await fetch(`${this.platform}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: input.email, password: input.password }),
      });
      if (!login.ok) return this.json(response, 400, { error: 'invalid_grant', error_description: 'Invalid login credentials' });
      const token = ((await login.json()) as { data: { accessToken: string } }).data.accessToken;
      user = { id: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string, email: input.email! };
    } else {
      user = JSON.parse(Buffer.from(input.refresh_token ?? '', 'base64url').toString()) as { id: string; email: string };
    }

    const now = Math.floor(Date.now() / 1000);
    // Supabase's whole claim set for a password user, not only what the platform reads.
    const accessToken = this.sign({
      iss: this.issuer, sub: user.id, aud: 'authenticated', exp: now + this.lifetimeSeconds, iat: now, email: user.email, phone: '',
      app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: { email: user.email, email_verified: true },
      role: 'authenticated', aal: 'aal1', amr: [{ method: 'password', timestamp: now }], session_id: this.sessionId, is_anonymous: false,
    });
    this.grants.push({ type: url.searchParams.get('grant_type') ?? '', token: accessToken });
    this.json(response, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: this.lifetimeSeconds,
      expires_at: now + this.lifetimeSeconds,
      refresh_token: Buffer.from(JSON.stringify({ ...user, n: this.grants.length })).toString('base64url'),
      user: { id: user.id, aud: 'authenticated', role: 'authenticated', email: user.email, app_metadata: {}, user_metadata: {}, created_at: new Date().toISOString() },
    });
  }

  private sign(claims: Record<string, unknown>): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
    return `${unsigned}.${createHmac('sha256', this.secret).update(unsigned).digest('base64url')}`;
  }

  private json(response: ServerResponse, status: number, value: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  }
}
