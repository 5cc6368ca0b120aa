import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, PlatformConfig } from '@postmagiq/platform';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TTL_SECONDS,
  AccessTokenClaims,
} from '@postmagiq/contracts';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  JWK,
  SignJWT,
} from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IDENTITY_CONFIG, IdentityConfig } from '../config/identity.config';

type SigningKey = Awaited<ReturnType<typeof importPKCS8>>;

/**
 * Identity alone holds the private key. It comes from IDENTITY_SIGNING_KEY (PEM or JWK) or, in the
 * one-machine topology, is generated once and kept under DATA_DIR/identity with mode 0600. The
 * public half is served as JWKS; `kid` is its RFC 7638 thumbprint.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private privateKey!: SigningKey;
  private publicJwk!: JWK;
  kid!: string;

  constructor(
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const material = this.config.IDENTITY_SIGNING_KEY ?? (await this.loadOrCreateLocalKey());
    const { privateKey, publicJwk } = await parseKey(material);
    this.privateKey = privateKey;
    this.kid = await calculateJwkThumbprint(publicJwk);
    this.publicJwk = { ...publicJwk, kid: this.kid, alg: 'EdDSA', use: 'sig' };
  }

  private async loadOrCreateLocalKey(): Promise<string> {
    const file = join(this.platform.DATA_DIR, 'identity', 'signing-key.pem');
    if (existsSync(file)) return readFileSync(file, 'utf8');
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const pem = await exportPKCS8(privateKey);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    this.logger.log(`generated a new Ed25519 signing key in ${file}`);
    return pem;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async sign(
    claims: Omit<AccessTokenClaims, 'iat' | 'exp'>,
  ): Promise<{ token: string; expiresIn: number }> {
    const { sub, ...rest } = claims;
    const token = await new SignJWT(rest)
      .setProtectedHeader({ alg: 'EdDSA', kid: this.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.privateKey);
    return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
  }
}

async function parseKey(material: string): Promise<{ privateKey: SigningKey; publicJwk: JWK }> {
  const trimmed = material.trim();
  let jwk: JWK;
  let privateKey: SigningKey;
  if (trimmed.startsWith('{')) {
    jwk = JSON.parse(trimmed) as JWK;
    privateKey = (await importJWK(jwk, 'EdDSA')) as SigningKey;
  } else {
    privateKey = await importPKCS8(trimmed, 'EdDSA', { extractable: true });
    jwk = await exportJWK(privateKey);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d) {
    throw new Error('IDENTITY_SIGNING_KEY: must be an Ed25519 private key (PKCS#8 PEM or JWK)');
  }
  const { d: _d, ...publicJwk } = jwk;
  return {
    privateKey,
    publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x } as JWK,
  };
}
