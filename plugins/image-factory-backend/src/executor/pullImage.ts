import { ImageFactoryPushAuth } from '@image-factory/plugin-image-factory-node';
import Dockerode from 'dockerode';
import { isConnectionError, isNetworkMessage } from './classifyError';
import { engineError, engineMessage } from './engineError';
import { ExecutorCancelledError, ImagePullError } from './errors';
import { readProgress } from './readProgress';
import { createRedactor } from './redact';
import { withDeadline } from './withDeadline';

/** What {@link pullImage} needs of the engine. */
export interface PullEngine {
  docker: Dockerode;
  /** Where the engine is, for messages. */
  endpoint: string;
}

/** Whether an image the engine holds is for `platform` (`os/arch[/variant]`). */
function matches(image: Dockerode.ImageInspectInfo, platform: string): boolean {
  const [os, architecture, variant] = platform.split('/');
  return (
    image.Os === os &&
    image.Architecture === architecture &&
    (variant === undefined ||
      (image as { Variant?: string }).Variant === variant)
  );
}

/** The image the engine holds under `image`, if any. */
async function held(
  engine: PullEngine,
  image: string,
): Promise<Dockerode.ImageInspectInfo | undefined> {
  try {
    return await engine.docker.getImage(image).inspect();
  } catch (e) {
    if ((e as { statusCode?: unknown }).statusCode === 404) return undefined;
    throw engineError('run', e, { endpoint: engine.endpoint });
  }
}

/**
 * Pulls `image` for `platform` and returns the id of the image the engine
 * now holds for it.
 *
 * An engine with the classic image store keeps one image per reference: an
 * image index's digest pulled for a second platform fails with "Cannot
 * overwrite digest". So the reference is first removed when it names
 * another platform's image (a container that runs it keeps it by id), and
 * the run uses the id, which a parallel pull of another platform cannot
 * change; when one did in between, the pull is tried once more.
 *
 * Rejects with {@link ImagePullError} naming the image when the engine cannot
 * pull it (`transient` when the network is to blame); its message never
 * holds the credentials.
 */
export async function pullImage(
  engine: PullEngine,
  request: {
    image: string;
    platform: string;
    pullAuth?: ImageFactoryPushAuth;
    signal?: AbortSignal;
  },
): Promise<string> {
  const { image, platform } = request;
  for (let attempt = 1; ; attempt++) {
    const before = await held(engine, image);
    if (before && !matches(before, platform)) {
      await engine.docker
        .getImage(image)
        .remove()
        .catch(() => {
          // Another run removed it first.
        });
    }
    try {
      await pull(engine, request);
    } catch (e) {
      if (attempt < 2 && /cannot overwrite digest/i.test(String(e))) continue;
      throw e;
    }
    const after = await held(engine, image);
    if (after && matches(after, platform)) return after.Id;
    if (attempt >= 2) {
      throw new ImagePullError(
        image,
        `The image ${image} cannot be pulled for ${platform}: the engine holds ${
          after ? `${after.Os}/${after.Architecture}` : 'nothing'
        } under that reference after the pull`,
      );
    }
  }
}

async function pull(
  engine: PullEngine,
  request: {
    image: string;
    platform: string;
    pullAuth?: ImageFactoryPushAuth;
    signal?: AbortSignal;
  },
): Promise<void> {
  const { image, platform, pullAuth } = request;
  const redact = createRedactor(pullAuth?.password, pullAuth?.username);
  const failed = (message: string) =>
    new ImagePullError(
      image,
      `The image ${image} cannot be pulled for ${platform}: ${redact(message)}`,
      { transient: isNetworkMessage(message) },
    );

  let outcome;
  try {
    outcome = await withDeadline('run', request, async signal => {
      const stream = await engine.docker.pull(image, {
        platform,
        abortSignal: signal,
        ...(pullAuth ? { authconfig: { ...pullAuth } } : {}),
      });
      return readProgress(stream, () => {}, signal);
    });
  } catch (e) {
    if (e instanceof ExecutorCancelledError) throw e;
    // An answer of the engine is about the image; no answer is about the engine.
    if (
      isConnectionError(e) ||
      typeof (e as { statusCode?: unknown })?.statusCode !== 'number'
    ) {
      throw engineError('run', e, { endpoint: engine.endpoint, redact });
    }
    throw failed(engineMessage(e));
  }
  if (outcome.error) throw failed(outcome.error);
}
