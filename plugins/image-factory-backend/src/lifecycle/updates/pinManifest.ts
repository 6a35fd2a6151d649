import { InputError } from '@backstage/errors';
import { isPair, isScalar, Scalar, visit } from 'yaml';
import { imageName, namesImage, pinnedRef } from './imageNames';
import { notReferenced, PinContext } from './pinContext';
import { parseYamlPath } from './yamlPath';
import { applyEdits, parseYamlFile, setScalar } from './yamlText';

/**
 * Plain manifests, one or many documents: the scalar at `path` in each
 * document that has it, or without a path every `image:` value naming the
 * image, becomes `registry/repository:tag@sha256:…`.
 */
export function pinManifest(ctx: PinContext): string {
  const { text, update, image, pinned, field, where } = ctx;
  const documents = parseYamlFile(text, where, `${field}.file`);
  const targets: Scalar[] = [];
  if (update.path !== undefined) {
    const keys = parseYamlPath(update.path, `${field}.path`);
    const found = documents
      .map(doc => doc.getIn(keys, true))
      .filter(node => node !== undefined);
    if (found.length === 0) {
      throw new InputError(`${field}.path: ${where} has no ${update.path}`);
    }
    for (const node of found) {
      if (isScalar(node) && namesImage(node.value, image)) targets.push(node);
    }
    if (targets.length === 0) {
      const seen = found.map(n =>
        isScalar(n) ? `'${String(n.value)}'` : 'not a value',
      );
      throw new InputError(
        `${field}.path: ${update.path} in ${where} is ${seen.join(
          ', ',
        )}, not ${imageName(image)}`,
      );
    }
  } else {
    for (const doc of documents) {
      visit(doc, {
        Pair(_, pair) {
          if (
            isPair(pair) &&
            isScalar(pair.key) &&
            pair.key.value === 'image' &&
            isScalar(pair.value) &&
            namesImage(pair.value.value, image)
          ) {
            targets.push(pair.value);
          }
        },
      });
    }
    if (targets.length === 0) {
      throw notReferenced(ctx, 'no image: field names it');
    }
  }
  const ref = pinnedRef(image, pinned);
  return applyEdits(
    text,
    targets.filter(t => t.value !== ref).map(t => setScalar(text, t, ref)),
  );
}
