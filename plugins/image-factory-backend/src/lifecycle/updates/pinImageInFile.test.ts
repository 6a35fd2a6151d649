import { InputError } from '@backstage/errors';
import { ImageStageUpdate } from '@image-factory/plugin-image-factory-common';
import { parseAllDocuments } from 'yaml';
import { pinImageInFile } from './pinImageInFile';
import {
  DOCKERFILE,
  KUSTOMIZATION,
  MANIFEST,
  VALUES,
} from './__fixtures__/files';

const image = { registry: 'localhost:5000', repository: 'team/web-api' };
const digest = `sha256:${'ab12'.repeat(16)}`;
const pinned = { tag: '1.4.2', digest };
const ref = `localhost:5000/team/web-api:1.4.2@${digest}`;

function pin(
  text: string,
  kind: ImageStageUpdate['kind'],
  extra: Partial<ImageStageUpdate> = {},
  target = image,
) {
  const update = { repository: 'acme/deploy', file: 'f.yaml', kind, ...extra };
  return pinImageInFile({ text, update, image: target, pinned, index: 1 });
}

/** `text` with each [from, to] replaced exactly once. */
function replaced(text: string, ...pairs: Array<[string, string]>) {
  let out = text;
  for (const [from, to] of pairs) {
    expect(out.split(from)).toHaveLength(2);
    out = out.replace(from, to);
  }
  return out;
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('pinImageInFile: kustomize', () => {
  const text = KUSTOMIZATION;

  it('sets newTag in its quoting and adds digest under it, touching nothing else', () => {
    const result = pin(text, 'kustomize');
    expect(result.changed).toBe(true);
    expect(result.text).toBe(
      replaced(text, [
        '    newTag: "1.4.1" # set by hand last time\n',
        `    newTag: "1.4.2" # set by hand last time\n    digest: ${digest}\n`,
      ]),
    );
    // Pinned twice: nothing left to change.
    expect(pin(result.text, 'kustomize')).toEqual({
      text: result.text,
      changed: false,
    });
  });

  it('finds a docker.io short name in a flow entry and extends the entry', () => {
    const nginx = { registry: 'docker.io', repository: 'library/nginx' };
    const result = pin(text, 'kustomize', {}, nginx);
    expect(result.text).toBe(
      replaced(text, [
        '{name: nginx, newTag: "1.27"}',
        `{name: nginx, newTag: "1.4.2", digest: ${digest}}`,
      ]),
    );
  });

  it('points a newName elsewhere at the image, and quotes a tag YAML would read as a number', () => {
    const redirected =
      'images:\n- name: web\n  newName: mirror.example/web-api\n  newTag: v1\n';
    const result = pinImageInFile({
      text: redirected.replace(
        'name: web\n',
        'name: localhost:5000/team/web-api\n',
      ),
      update: { repository: 'a/b', file: 'k.yaml', kind: 'kustomize' },
      image,
      pinned: { tag: '1.10', digest },
    });
    expect(result.text).toBe(
      `images:\n- name: localhost:5000/team/web-api\n  newName: localhost:5000/team/web-api\n  newTag: "1.10"\n  digest: ${digest}\n`,
    );
    expect(parseAllDocuments(result.text)[0].toJS().images[0].newTag).toBe(
      '1.10',
    );
  });

  it('matches an entry by newName and keeps a file without a final newline valid', () => {
    const result = pin(
      'images:\n  - name: web\n    newName: localhost:5000/team/web-api',
      'kustomize',
    );
    expect(result.text).toBe(
      `images:\n  - name: web\n    newName: localhost:5000/team/web-api\n    newTag: 1.4.2\n    digest: ${digest}\n`,
    );
  });

  it('refuses a file whose only entry is a near miss, naming the file and the image', () => {
    const error = errorOf(() =>
      pin(text, 'kustomize', {}, { ...image, repository: 'team/web' }),
    );
    expect(error.message).toBe(
      'updates[1].file: f.yaml in acme/deploy does not reference localhost:5000/team/web: no entry of its kustomize images: has it as name or newName',
    );
  });

  it('refuses a file that is not YAML, naming the file', () => {
    expect(errorOf(() => pin('images: [\n', 'kustomize')).message).toMatch(
      /^updates\[1\]\.file: f\.yaml in acme\/deploy is not valid YAML/,
    );
  });
});

describe('pinImageInFile: helm', () => {
  const text = VALUES;

  it('sets image.tag to tag@digest, keeping comments and the quoting', () => {
    const result = pin(text, 'helm');
    expect(result.text).toBe(
      replaced(text, ['  tag: "1.4.1"\n', `  tag: "1.4.2@${digest}"\n`]),
    );
  });

  it('fills digest and tag of a flow block with a registry key, at a dotted path', () => {
    const busybox = { registry: 'docker.io', repository: 'library/busybox' };
    const result = pin(text, 'helm', { path: 'sidecar.image' }, busybox);
    expect(result.text).toBe(
      replaced(text, [
        'tag: "1.36", digest: ""}',
        `tag: "1.4.2", digest: "${digest}"}`,
      ]),
    );
  });

  it('adds a tag to a block that has none', () => {
    const result = pin(
      'image:\n  repository: localhost:5000/team/web-api\n\nx: 1\n',
      'helm',
    );
    expect(result.text).toBe(
      `image:\n  repository: localhost:5000/team/web-api\n  tag: 1.4.2@${digest}\n\nx: 1\n`,
    );
  });

  it('names the path when the block is missing, and the file when it names another image', () => {
    expect(
      errorOf(() => pin(text, 'helm', { path: 'app.image' })).message,
    ).toBe('updates[1].path: f.yaml in acme/deploy has no app.image');
    expect(
      errorOf(() => pin(text, 'helm', { path: 'sidecar.image' })).message,
    ).toBe(
      "updates[1].file: f.yaml in acme/deploy does not reference localhost:5000/team/web-api: its sidecar.image.repository is 'docker.io/library/busybox'",
    );
  });
});

describe('pinImageInFile: manifest', () => {
  const text = MANIFEST;

  it('pins every image: naming the repository in every document, and no near miss', () => {
    const result = pin(text, 'manifest');
    expect(result.text).toBe(
      replaced(
        text,
        [
          'image: localhost:5000/team/web-api:1.4.1 # pinned',
          `image: ${ref} # pinned`,
        ],
        [
          `image: 'localhost:5000/team/web-api@sha256:${'0'.repeat(64)}'`,
          `image: '${ref}'`,
        ],
      ),
    );
    expect(parseAllDocuments(result.text)).toHaveLength(2);
  });

  it('pins only the field at path', () => {
    const result = pin(text, 'manifest', {
      path: 'spec.template.spec.containers[0].image',
    });
    expect(result.text).toContain(`image: ${ref} # pinned`);
    expect(result.text).toContain(`'${ref}'`);
    expect(result.text).toContain('"localhost:5000/team/web-api-tools:v9"');
  });

  it('refuses a path that is missing, or that holds another image', () => {
    expect(
      errorOf(() => pin(text, 'manifest', { path: 'spec.containers[0].image' }))
        .message,
    ).toBe(
      'updates[1].path: f.yaml in acme/deploy has no spec.containers[0].image',
    );
    expect(
      errorOf(() =>
        pin(text, 'manifest', {
          path: 'spec.template.spec.containers[1].image',
        }),
      ).message,
    ).toBe(
      "updates[1].path: spec.template.spec.containers[1].image in f.yaml in acme/deploy is 'localhost:5000/team/web-api-tools:v9', not localhost:5000/team/web-api",
    );
    expect(
      errorOf(() => pin(text, 'manifest', { path: 'a..b' })).message,
    ).toMatch(/^updates\[1\]\.path: 'a\.\.b' is not a YAML path/);
  });

  it('refuses a manifest naming only a near miss', () => {
    expect(
      errorOf(() =>
        pin(text, 'manifest', {}, { ...image, repository: 'team/web' }),
      ).message,
    ).toBe(
      'updates[1].file: f.yaml in acme/deploy does not reference localhost:5000/team/web: no image: field names it',
    );
  });
});

describe('pinImageInFile: dockerfile', () => {
  const text = DOCKERFILE;

  it('pins each FROM of the image, keeping flags and AS names', () => {
    const result = pin(text, 'dockerfile');
    expect(result.text).toBe(
      replaced(
        text,
        [
          'FROM --platform=$BUILDPLATFORM localhost:5000/team/web-api:1.4.1 AS build',
          `FROM --platform=$BUILDPLATFORM ${ref} AS build`,
        ],
        ['\nFROM localhost:5000/team/web-api:1.4.1\n', `\nFROM ${ref}\n`],
      ),
    );
  });

  it('takes a stage name for a stage, not for an image of that name', () => {
    const build = { registry: 'docker.io', repository: 'library/build' };
    expect(
      errorOf(() =>
        pin('FROM alpine AS build\nFROM build\n', 'dockerfile', {}, build),
      ).message,
    ).toBe(
      'updates[1].file: f.yaml in acme/deploy does not reference docker.io/library/build: no FROM line names it',
    );
  });

  it('keeps CRLF line ends', () => {
    const result = pin(
      'FROM localhost:5000/team/web-api\r\nRUN x\r\n',
      'dockerfile',
    );
    expect(result.text).toBe(`FROM ${ref}\r\nRUN x\r\n`);
  });
});
