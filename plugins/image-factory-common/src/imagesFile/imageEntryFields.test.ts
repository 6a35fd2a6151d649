import { imageEntryFields } from './imageEntryFields';
import { imageEntrySchema } from './schema';

describe('imageEntryFields', () => {
  it('lists every field of an entry, in schema order, watch and retention included', () => {
    expect(imageEntryFields().map(f => f.name)).toEqual(
      Object.keys(imageEntrySchema.shape),
    );
    expect(imageEntryFields().map(f => f.name)).toEqual(
      expect.arrayContaining(['watch', 'retention']),
    );
  });

  it('says which fields are required, their types, enums, defaults and nested fields', () => {
    const byName = new Map(imageEntryFields().map(f => [f.name, f]));
    expect(
      imageEntryFields()
        .filter(f => f.required)
        .map(f => f.name),
    ).toEqual(['name', 'type', 'owner', 'reference']);
    expect(byName.get('type')).toMatchObject({
      type: 'string',
      enum: ['managed', 'base', 'external'],
    });
    expect(byName.get('platforms')).toMatchObject({
      type: 'array',
      items: 'string',
      default: ['linux/amd64'],
      required: false,
    });
    expect(byName.get('platforms')?.enum).toContain('linux/s390x');
    expect(byName.get('buildArgs')).toMatchObject({
      type: 'object',
      values: 'string',
    });
    expect(byName.get('watch')?.fields).toEqual([
      expect.objectContaining({
        name: 'interval',
        type: 'string',
        required: true,
        description: expect.stringContaining('new digest'),
      }),
    ]);
    expect(byName.get('retention')?.fields).toEqual([
      expect.objectContaining({
        name: 'keep',
        type: 'integer',
        required: true,
      }),
    ]);
    expect(byName.get('rebuild')?.fields?.map(f => f.name)).toEqual([
      'auto',
      'delay',
      'coalesceWindow',
      'schedule',
    ]);
    for (const field of imageEntryFields()) {
      expect(field.description).not.toBe('');
    }
  });
});
