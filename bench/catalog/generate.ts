/*
 * The generated inputs of yarn bench:catalog: an images.yaml of N images and a
 * location file of N plain Component entities with the same shape of
 * relations (an owner each; every managed image depends on the base of its
 * group of ten, and so does every component in the same position).
 */

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/s390x'];

/** The type of entry `i`: a base every tenth, then an external, then managed. */
export function imageType(i: number): 'base' | 'external' | 'managed' {
  if (i % 10 === 0) return 'base';
  return i % 10 === 1 ? 'external' : 'managed';
}

/** The reference of image `i`, which the Dockerfiles of its group use in FROM. */
export function imageReference(i: number): string {
  return `localhost:5000/team-${i % 50}/image-${i}:1.${i % 7}`;
}

/** The default description of entry `i`; a one-entry change replaces one. */
export function description(i: number): string {
  return `Generated entry number ${i}`;
}

/** What the source host serves as the Dockerfile of image `i`. */
export function dockerfileOf(i: number): string {
  const from =
    imageType(i) === 'base'
      ? 'docker.io/library/debian:bookworm-slim'
      : imageReference(i - (i % 10));
  return `FROM ${from}\nRUN true\n`;
}

export function generateImagesYaml(
  count: number,
  describe: (i: number) => string = description,
): string {
  const lines = ['apiVersion: imagefactory.dev/v1alpha1', 'images:'];
  if (count === 0) lines[1] = 'images: []';
  for (let i = 0; i < count; i++) {
    const type = imageType(i);
    lines.push(
      `  - name: image-${i}`,
      `    type: ${type}`,
      `    owner: team-${i % 50}`,
      `    description: ${describe(i)}`,
      `    reference: ${imageReference(i)}`,
      `    platforms: [${PLATFORMS.slice(0, 1 + (i % 3)).join(', ')}]`,
    );
    if (type !== 'external') {
      lines.push(
        '    source:',
        `      repo: acme/repo-${i % 200}`,
        '      branch: main',
        `      dockerfile: images/image-${i}/Dockerfile`,
        `      context: images/image-${i}`,
        '    rebuild:',
        '      delay: 1h',
        '      coalesceWindow: 30m',
        '    stages: [dev, staging, prod]',
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The fields a Component carries on top of the plain ones to be as rich as
 * the Image of the same entry: as many annotations, the same spec fields
 * (reference and its parts, platforms, source, rebuild policy, stages) and a
 * providedBy, so the catalog indexes as many search rows for it. Components
 * accept fields of any name in their spec.
 */
function richComponentLines(i: number): {
  annotations: string[];
  spec: string[];
} {
  const reference = imageReference(i);
  const [registry, ...rest] = reference.split('/');
  const [repository, tag] = rest.join('/').split(':');
  const annotations = [
    `    example.com/entry: components[${i}]`,
    `    example.com/reference: ${reference}`,
    `    example.com/file: components.yaml`,
    `    backstage.io/view-url: https://example.com/repo-${
      i % 200
    }/images/image-${i}/Dockerfile`,
  ];
  const spec = [
    `  reference: ${reference}`,
    `  registry: ${registry}`,
    `  repository: ${repository}`,
    `  tag: "${tag}"`,
    `  platforms: [${PLATFORMS.slice(0, 1 + (i % 3)).join(', ')}]`,
    `  providedBy: provider:default/registry-local`,
  ];
  if (imageType(i) !== 'external') {
    spec.push(
      '  source:',
      '    provider: github',
      `    repo: acme/repo-${i % 200}`,
      '    branch: main',
      `    dockerfile: images/image-${i}/Dockerfile`,
      `    context: images/image-${i}`,
      '  rebuild:',
      '    auto: true',
      '    delay: 1h',
      '    coalesceWindow: 30m',
      '  stages: [dev, staging, prod]',
    );
  }
  return { annotations, spec };
}

/**
 * A multi-document location file of `count` Component entities; `rich`:
 * each as rich as the Image of the same entry (richComponentLines).
 */
export function generateComponentsYaml(
  count: number,
  describe: (i: number) => string = description,
  rich = false,
): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const { annotations, spec } = rich
      ? richComponentLines(i)
      : { annotations: [], spec: [] };
    const lines = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: component-${i}`,
      `  description: ${describe(i)}`,
      ...(annotations.length ? ['  annotations:', ...annotations] : []),
      'spec:',
      '  type: service',
      '  lifecycle: production',
      `  owner: team-${i % 50}`,
      ...spec,
    ];
    // As the images: bases (i % 10 = 0) and externals (1) depend on nothing.
    if (i % 10 >= 2) {
      lines.push(`  dependsOn: [component:default/component-${i - (i % 10)}]`);
    }
    docs.push(lines.join('\n'));
  }
  return `${docs.join('\n---\n')}\n`;
}
