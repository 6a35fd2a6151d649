/*
 * Part 1 of yarn bench:catalog: the Image Factory entity provider and kinds
 * processor alone, on a generated images.yaml, with ratios against peers
 * measured in the same run:
 *   - reading: yaml.parse of the same file (the floor for any YAML source);
 *   - processing: Backstage's own validation of the same number of Component
 *     entities (componentEntityV1alpha1Validator).
 * Goals: full mutation under 5 s, peak RSS under 300 MB.
 */
import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  componentEntityV1alpha1Validator,
  Entity,
} from '@backstage/catalog-model';
import {
  ImageFactoryEntitiesProcessor,
  ImageFactoryEntityProvider,
} from '@image-factory/plugin-catalog-backend-module-image-factory';
import { readImageEntities } from '@image-factory/plugin-image-factory-node';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { silentLogger, time } from '../benchUtils';
import { generateImagesYaml } from './generate';

/** Runs the part and returns its table rows; throws when an image is missing. */
export async function runProviderAlone(
  count: number,
): Promise<Array<[string, string]>> {
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 5);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-catalog-'));
  const file = path.join(dir, 'images.yaml');
  await fs.writeFile(file, generateImagesYaml(count));

  // Provider: read, validate, map to entities and apply one full mutation.
  let mutated: Entity[] = [];
  let runTask: (() => Promise<void>) | undefined;
  // The backend reads images.yaml (as ImagesFileWatcher does) and the
  // provider maps its answer to entities: both are timed together.
  const readSnapshot = async () => {
    const read = await readImageEntities({
      location: file,
      // The file is local, so the UrlReader is never asked.
      urlReader: {} as UrlReaderService,
      providers: [],
    });
    return {
      location: read.location,
      ok: !read.error,
      imageCount: read.entities.length,
      issues: read.issues,
      revision: read.revision,
      images: read.entities,
      providers: [],
      providerOwner: 'group:default/platform-team',
    };
  };
  const provider = ImageFactoryEntityProvider.fromConfig(new ConfigReader({}), {
    logger: silentLogger,
    imagesFile: readSnapshot,
    schedule: {
      run: async task => {
        runTask = task.fn as () => Promise<void>;
      },
    },
  });
  await provider.connect({
    applyMutation: async mutation => {
      if (mutation.type === 'full')
        mutated = mutation.entities.map(e => e.entity);
    },
    refresh: async () => {},
  });
  const [, providerMs] = await time(async () => runTask!());

  // Processor: validate the kind and emit relations for every entity.
  const processor = new ImageFactoryEntitiesProcessor();
  let relations = 0;
  const location = { type: 'url', target: file };
  const [, processorMs] = await time(async () => {
    for (const entity of mutated) {
      if (!(await processor.validateEntityKind(entity))) {
        throw new Error(`entity ${entity.metadata.name} did not validate`);
      }
      await processor.postProcessEntity(entity, location, () => {
        relations += 1;
      });
    }
  });

  // The peak RSS of the provider and processor alone, before the peers run.
  const ourPeakRss = Math.max(peakRss, process.memoryUsage().rss);

  // Peer 1: plain YAML parsing of the same file with the `yaml` package.
  const [, yamlMs] = await time(async () =>
    parse(await fs.readFile(file, 'utf8')),
  );

  // Peer 2: Backstage's validation of as many Component entities.
  const components: Entity[] = mutated.map(e => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: e.metadata.name, description: e.metadata.description },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  }));
  const [, componentMs] = await time(async () => {
    for (const c of components) await componentEntityV1alpha1Validator.check(c);
  });

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await fs.rm(dir, { recursive: true, force: true });

  const images = mutated.filter(e => e.kind === 'Image').length;
  if (images !== count) {
    throw new Error(`expected ${count} images in the mutation, got ${images}`);
  }
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  return [
    ['images in images.yaml', String(count)],
    ['Image entities in the full mutation', String(images)],
    [
      'time to full mutation (read, validate, map)',
      `${providerMs.toFixed(0)} ms (goal < 5000 ms)`,
    ],
    [
      '  peer: yaml.parse of the same file',
      `${yamlMs.toFixed(0)} ms (ratio ${(providerMs / yamlMs).toFixed(2)})`,
    ],
    [
      'provider entities per second',
      `${((images / providerMs) * 1000).toFixed(0)}`,
    ],
    [
      'processor: validate + relations',
      `${processorMs.toFixed(0)} ms, ${relations} relations`,
    ],
    [
      '  peer: Component validation, same count',
      `${componentMs.toFixed(0)} ms (ratio ${(
        processorMs / componentMs
      ).toFixed(2)})`,
    ],
    [
      'processor entities per second',
      `${((mutated.length / processorMs) * 1000).toFixed(0)}`,
    ],
    ['RSS after loading the modules', `${mb(baselineRss)} MB`],
    ['peak RSS, provider + processor', `${mb(ourPeakRss)} MB (goal < 300 MB)`],
    ['peak RSS, whole run with peers', `${mb(peakRss)} MB`],
  ];
}
