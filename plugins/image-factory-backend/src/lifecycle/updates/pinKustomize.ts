import { isMap, isSeq } from 'yaml';
import { imageName, namesImage } from './imageNames';
import { notReferenced, PinContext } from './pinContext';
import {
  applyEdits,
  parseYamlFile,
  setKeys,
  stringAt,
  TextEdit,
} from './yamlText';

/**
 * A kustomization's `images:` entries whose `name` or `newName` names the
 * image get `newTag` and `digest` (kustomize then renders
 * `newName:newTag@digest`). An entry found by `name` that redirects to
 * another image through `newName` is pointed at the image, since the digest
 * exists only there.
 */
export function pinKustomize(ctx: PinContext): string {
  const { text, image, pinned, field, where } = ctx;
  const edits: TextEdit[] = [];
  let entries = 0;
  for (const doc of parseYamlFile(text, where, `${field}.file`)) {
    const images = isMap(doc.contents)
      ? doc.contents.get('images', true)
      : undefined;
    if (!isSeq(images)) continue;
    for (const entry of images.items) {
      if (!isMap(entry)) continue;
      const name = stringAt(entry, 'name');
      const newName = stringAt(entry, 'newName');
      const byNewName = namesImage(newName?.value, image);
      if (!byNewName && !namesImage(name?.value, image)) continue;
      entries += 1;
      const values: Array<[string, string]> = [];
      if (newName && !byNewName) values.push(['newName', imageName(image)]);
      values.push(['newTag', pinned.tag], ['digest', pinned.digest]);
      edits.push(...setKeys(text, entry, values, `${field}.file`));
    }
  }
  if (entries === 0) {
    throw notReferenced(
      ctx,
      'no entry of its kustomize images: has it as name or newName',
    );
  }
  return applyEdits(text, edits);
}
