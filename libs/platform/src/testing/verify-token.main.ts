/*
 * Verifies an access token against a JWKS URL in a process of its own, the way any service other
 * than identity does. Prints the principal as JSON, or `{"error": …}` and exits 2.
 * usage: node -r @swc-node/register verify-token.main.ts <jwksUrl> <token>
 */
import { AccessTokenVerifier, InvalidTokenError } from '../auth/token-verifier';

async function main(): Promise<void> {
  const [jwksUrl, token] = process.argv.slice(2);
  if (!jwksUrl || !token) throw new Error('usage: verify-token.main.ts <jwksUrl> <token>');
  const verifier = new AccessTokenVerifier(jwksUrl);
  try {
    const principal = await verifier.verify(token);
    process.stdout.write(JSON.stringify(principal) + '\n');
  } catch (e) {
    if (!(e instanceof InvalidTokenError)) throw e;
    process.stdout.write(JSON.stringify({ error: e.message }) + '\n');
    process.exit(2);
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
