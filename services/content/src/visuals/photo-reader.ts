import { GoogleGenerativeAI } from '@google/generative-ai';
import { CreateCharacterRequest, CreateCharacterRequestSchema } from '@postmagiq/contracts';
import { PROBLEM_BASE, ProblemException } from '@postmagiq/platform';
import { createHash } from 'node:crypto';

export interface Photo {
  mimeType: string;
  data: Buffer;
}

/** Drafts a character (appearance, personality…) from a photo. */
export interface PhotoReader {
  readonly backend: 'gemini' | 'simulated';
  readonly model: string;
  draft(photo: Photo, nameHint?: string): Promise<CreateCharacterRequest>;
}

export const PHOTO_READER = Symbol('PHOTO_READER');

export const CHARACTER_FROM_PHOTO_PROMPT = [
  'You describe the person in this photo as a recurring character for illustrations of LinkedIn posts.',
  'Answer with JSON only: {"name": string, "description": string, "appearance": string, "personality": string}.',
  'appearance: visible features only (approximate age range, hair, build, clothing style, setting cues), no guesses about',
  'ethnicity, health or other sensitive traits. personality: how they come across (posture, expression), 1-2 sentences.',
  'description: one sentence on who the character is in a professional story. name: the given name hint, or a neutral first name.',
].join(' ');

function upstream(detail: string): ProblemException {
  return new ProblemException({
    type: `${PROBLEM_BASE}upstream-error`,
    status: 502,
    title: 'Bad Gateway',
    detail,
  });
}

/** Pulls the JSON object out of a model answer (tolerating code fences and chatter around it). */
export function parseCharacterJson(text: string, nameHint?: string): CreateCharacterRequest {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw upstream('the vision model did not answer with JSON');
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(start, end + 1));
  } catch {
    throw upstream('the vision model answered malformed JSON');
  }
  const obj = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (k: string, max: number) =>
    typeof obj[k] === 'string' ? (obj[k] as string).trim().slice(0, max) : '';
  const parsed = CreateCharacterRequestSchema.safeParse({
    name: nameHint?.trim() || str('name', 120) || 'Unnamed character',
    description: str('description', 2000),
    appearance: str('appearance', 2000),
    personality: str('personality', 2000),
  });
  if (!parsed.success) throw upstream('the vision model answer did not describe a character');
  return parsed.data;
}

/** Gemini vision through the official SDK (`GEMINI_BASE_URL` points it at another endpoint, e.g. a fake in tests). */
export class GeminiPhotoReader implements PhotoReader {
  readonly backend = 'gemini' as const;
  private readonly client: GoogleGenerativeAI;

  constructor(
    apiKey: string,
    readonly model: string,
    private readonly baseUrl?: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.client = new GoogleGenerativeAI(apiKey);
  }

  async draft(photo: Photo, nameHint?: string): Promise<CreateCharacterRequest> {
    const model = this.client.getGenerativeModel(
      { model: this.model, generationConfig: { maxOutputTokens: 1024, temperature: 0.2 } },
      this.baseUrl ? { baseUrl: this.baseUrl } : {},
    );
    const hint = nameHint?.trim() ? ` Name hint: ${nameHint.trim()}.` : '';
    let text = '';
    try {
      // streamed like the agents' Gemini adapter: the same wire format, and no SDK timer left running
      const result = await model.generateContentStream(
        {
          contents: [
            {
              role: 'user',
              parts: [
                { inlineData: { mimeType: photo.mimeType, data: photo.data.toString('base64') } },
                { text: CHARACTER_FROM_PHOTO_PROMPT + hint },
              ],
            },
          ],
        },
        { signal: AbortSignal.timeout(this.timeoutMs) },
      );
      result.response.catch(() => undefined);
      for await (const chunk of result.stream) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? [])
          if (typeof part.text === 'string') text += part.text;
      }
    } catch (e) {
      throw upstream(`the vision model failed: ${(e as Error).message}`);
    }
    return parseCharacterJson(text, nameHint);
  }
}

const BUILDS = ['slight', 'average', 'athletic', 'tall', 'compact'];
const HAIR = [
  'short dark hair',
  'shoulder-length brown hair',
  'curly black hair',
  'grey hair cut short',
  'auburn hair tied back',
];
const STYLES = [
  'a navy blazer over a plain tee',
  'a knit sweater',
  'a crisp white shirt',
  'a denim jacket',
  'a dark turtleneck',
];
const MANNER = [
  'Comes across as calm and attentive, with an open posture.',
  'Comes across as energetic and direct, leaning slightly forward.',
  'Comes across as thoughtful and reserved, with a quiet half-smile.',
  'Comes across as warm and approachable, mid-laugh.',
];
const NAMES = ['Alex', 'Sam', 'Jordan', 'Robin', 'Casey', 'Morgan'];

/** Width × height of a PNG or JPEG, read from its header (undefined for other formats). */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47)
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  if (data.length > 4 && data[0] === 0xff && data[1] === 0xd8) {
    let i = 2;
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) return undefined;
      const marker = data[i + 1] ?? 0;
      const length = data.readUInt16BE(i + 2);
      if (
        marker >= 0xc0 &&
        marker <= 0xcf &&
        marker !== 0xc4 &&
        marker !== 0xc8 &&
        marker !== 0xcc
      ) {
        return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
      }
      i += 2 + length;
    }
  }
  return undefined;
}

/**
 * Offline stand-in for the vision model (no GEMINI_API_KEY): a deterministic draft derived from
 * the photo's bytes, labelled as simulated in its description so nobody mistakes it for a reading.
 */
export class SimulatedPhotoReader implements PhotoReader {
  readonly backend = 'simulated' as const;
  readonly model = 'simulated-vision';

  async draft(photo: Photo, nameHint?: string): Promise<CreateCharacterRequest> {
    const digest = createHash('sha256').update(photo.data).digest();
    const pick = <T>(list: T[], byte: number): T => list[(digest[byte] ?? 0) % list.length] as T;
    const size = imageSize(photo.data);
    const build = pick(BUILDS, 1);
    const framing = !size
      ? 'a photo'
      : size.width > size.height
        ? 'a landscape photo'
        : size.width < size.height
          ? 'a portrait photo'
          : 'a square photo';
    return {
      name: nameHint?.trim() || pick(NAMES, 0),
      description: `Simulated draft (no vision model configured) from ${framing}${size ? ` of ${size.width}×${size.height}` : ''}; edit before use.`,
      appearance: `${build.charAt(0).toUpperCase()}${build.slice(1)} build, ${pick(HAIR, 2)}, wearing ${pick(STYLES, 3)}.`,
      personality: pick(MANNER, 4),
    };
  }
}
