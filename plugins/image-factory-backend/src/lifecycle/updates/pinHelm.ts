import { InputError } from '@backstage/errors';
import { isMap, isScalar } from 'yaml';
import { namesImage, pinnedRef } from './imageNames';
import { notReferenced, PinContext } from './pinContext';
import { parseYamlPath } from './yamlPath';
import {
  applyEdits,
  parseYamlFile,
  setKeys,
  setScalar,
  stringAt,
  TextEdit,
} from './yamlText';

/**
 * Helm values: the block at `path` (default `image`) whose `repository`
 * (after `registry`, when the chart splits them) names the image gets
 * `tag: <tag>@sha256:…`; a chart with a `digest` key gets the digest there
 * and the plain tag in `tag`, if it has one. A block that is a single
 * reference string gets the whole pinned reference.
 */
export function pinHelm(ctx: PinContext): string {
  const { text, update, image, pinned, field, where } = ctx;
  const path = update.path ?? 'image';
  const keys = parseYamlPath(path, `${field}.path`);
  const edits: TextEdit[] = [];
  let found = false;
  for (const doc of parseYamlFile(text, where, `${field}.file`)) {
    const block = doc.getIn(keys, true);
    if (block === undefined) continue;
    found = true;
    if (isScalar(block)) {
      if (!namesImage(block.value, image)) {
        throw notReferenced(ctx, `its ${path} is '${String(block.value)}'`);
      }
      edits.push(setScalar(text, block, pinnedRef(image, pinned)));
      continue;
    }
    if (!isMap(block)) {
      throw new InputError(
        `${field}.path: ${path} in ${where} must be an image block with repository and tag`,
      );
    }
    const registry = stringAt(block, 'registry')?.value;
    const repository = stringAt(block, 'repository')?.value;
    const named = registry ? `${registry}/${repository}` : repository;
    if (!repository || !namesImage(named, image)) {
      throw notReferenced(
        ctx,
        `its ${path}.repository is ${
          named === undefined ? 'missing' : `'${named}'`
        }`,
      );
    }
    const values: Array<[string, string]> = block.has('digest')
      ? [
          ...(block.has('tag')
            ? [['tag', pinned.tag] as [string, string]]
            : []),
          ['digest', pinned.digest],
        ]
      : [['tag', `${pinned.tag}@${pinned.digest}`]];
    edits.push(...setKeys(text, block, values, `${field}.path`));
  }
  if (!found) {
    throw new InputError(`${field}.path: ${where} has no ${path}`);
  }
  return applyEdits(text, edits);
}
