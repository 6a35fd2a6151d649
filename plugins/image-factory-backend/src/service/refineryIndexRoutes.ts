import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import {
  formatOf,
  normalizeProjectName,
  OFFERED_TYPES,
  parseWheelFilename,
  projectListHtml,
  projectListJson,
  projectPageHtml,
  projectPageJson,
  readUpstreamProjectPage,
  responseContentType,
  UpstreamProjectPage,
  WheelBlobStore,
  WheelFileStore,
} from '../refinery';

/** The refinery's index and files: pip cannot send Backstage's tokens as Bearer, so these paths check credentials themselves. */
export const REFINERY_INDEX_PATHS = ['/refinery/simple', '/refinery/files'];

const REALM = 'Basic realm="image-factory refinery", charset="UTF-8"';

/**
 * `GET /refinery/simple/` and `/refinery/simple/<project>/`: the PEP 503 /
 * PEP 691 simple index of the wheels the refinery published;
 * `GET /refinery/files/<sha256>/<file>` and `<file>.metadata` serve the
 * bytes (PEP 658). Reading needs a Backstage token, given as Bearer or as
 * the password of Basic auth (which is what pip sends from the index URL or
 * from `.netrc`), unless `imageFactory.refinery.index.public` is true.
 *
 * With `indexUpstream` (`imageFactory.refinery.index.upstream`), a project
 * page also lists the upstream page's files the refinery does not have, at
 * their upstream URLs: pip downloads those from the upstream, and the
 * refinery keeps none of them.
 */
export function refineryIndexRoutes(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
  /** Hears of a failing upstream; without it, the failure goes unsaid. */
  logger?: LoggerService;
  files: WheelFileStore;
  blobs: WheelBlobStore;
  publicIndex: boolean;
  indexUpstream?: string;
}): express.Router {
  const { files, blobs, logger, indexUpstream } = options;
  const router = Router();

  /** The upstream's page of a project; a failing upstream leaves the refinery's files alone. */
  const readUpstream = async (
    project: string,
  ): Promise<UpstreamProjectPage | undefined> => {
    if (!indexUpstream) return undefined;
    try {
      return await readUpstreamProjectPage({
        upstream: indexUpstream,
        project,
      });
    } catch (e) {
      logger?.warn(
        'The refinery index could not read its upstream; the page lists the refinery files only',
        {
          project,
          upstream: indexUpstream,
          // fetch's own message is "fetch failed"; the cause says why.
          error: [e, (e as Error)?.cause]
            .filter(Boolean)
            .map(String)
            .join(': '),
        },
      );
      return undefined;
    }
  };

  router.use(REFINERY_INDEX_PATHS, async (req, res, next) => {
    try {
      await authorize(req, options);
    } catch (e) {
      if ((e as Error).name !== 'AuthenticationError') throw e;
      res.setHeader('WWW-Authenticate', REALM);
      throw e;
    }
    next();
  });

  const negotiate = (req: express.Request, res: express.Response) => {
    res.vary('Accept');
    const accepted = req.accepts(OFFERED_TYPES);
    if (!accepted) {
      res
        .status(406)
        .type('text/plain')
        .send(`Not acceptable; this index answers ${OFFERED_TYPES.join(', ')}`);
      return undefined;
    }
    res.setHeader('Content-Type', responseContentType(accepted));
    return formatOf(accepted);
  };

  // PEP 503: pages end in `/`, and other spellings of a name redirect.
  // The project list is the refinery's own, upstream or not: PEP 503 lets an
  // index leave projects out of its root, and pip never reads the root.
  router.get(/^\/refinery\/simple\/?$/, async (req, res) => {
    if (!req.path.endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/refinery/simple/`);
      return;
    }
    const format = negotiate(req, res);
    if (!format) return;
    const projects = await files.listProjects();
    send(
      res,
      format === 'json'
        ? JSON.stringify(projectListJson(projects))
        : projectListHtml(projects),
    );
  });
  router.get(/^\/refinery\/simple\/([^/]+)\/?$/, async (req, res) => {
    const name = req.params[0];
    const project = normalizeProjectName(name);
    if (name !== project || !req.path.endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/refinery/simple/${project}/`);
      return;
    }
    const [found, upstream] = await Promise.all([
      files.listFiles(project),
      readUpstream(project),
    ]);
    if (found.length === 0 && !upstream?.files.length) {
      throw new NotFoundError(
        indexUpstream
          ? `Neither the refinery nor its upstream has files of ${project}`
          : `The refinery has no wheels of ${project}`,
      );
    }
    const format = negotiate(req, res);
    if (!format) return;
    send(
      res,
      format === 'json'
        ? JSON.stringify(projectPageJson(project, found, upstream))
        : projectPageHtml(project, found, upstream),
    );
  });

  router.get('/refinery/files/:sha256/:filename', async (req, res) => {
    const { sha256 } = req.params;
    const metadata = req.params.filename.endsWith('.metadata');
    const filename = metadata
      ? req.params.filename.slice(0, -'.metadata'.length)
      : req.params.filename;
    let project: string;
    try {
      project = parseWheelFilename(filename).project;
    } catch {
      throw new NotFoundError(`No wheel file ${filename}`);
    }
    const file = await files.get(project, filename);
    if (!file || file.sha256 !== sha256) {
      throw new NotFoundError(
        `No wheel file ${filename} with sha256 ${sha256}`,
      );
    }
    const digest = metadata ? file.metadataSha256 : file.sha256;
    const bytes = await blobs.get(digest);
    if (!bytes) {
      throw new NotFoundError(
        `The store has lost ${filename}${metadata ? '.metadata' : ''}`,
      );
    }
    res.setHeader('ETag', `"${digest}"`);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(
      metadata ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    );
    res.send(bytes);
  });

  return router;
}

/** Sends as bytes: express would add a charset to the negotiated type. */
function send(res: express.Response, body: string) {
  res.send(Buffer.from(body, 'utf8'));
}

async function authorize(
  req: express.Request,
  options: {
    auth: AuthService;
    httpAuth: HttpAuthService;
    publicIndex: boolean;
  },
): Promise<BackstageCredentials | undefined> {
  const header = req.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    try {
      return await options.auth.authenticate(password);
    } catch {
      throw new AuthenticationError('The token in the index URL is not valid');
    }
  }
  const credentials = await options.httpAuth.credentials(req, {
    allow: ['user', 'service', 'none'],
  });
  if (options.auth.isPrincipal(credentials, 'none') && !options.publicIndex) {
    throw new AuthenticationError(
      'The refinery index needs a Backstage token: put it in the index URL as https://token:<TOKEN>@…',
    );
  }
  return credentials;
}
