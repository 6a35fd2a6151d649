import type { WheelSet } from '@image-factory/plugin-image-factory-common';
import {
  backendFieldErrors,
  toChangeWheelSetRequest,
  validateWheelSetChange,
  wheelSetChanges,
  wheelSetValues,
} from './wheelSetForm';

const science = {
  name: 'science',
  owner: 'group:default/data',
  description: 'Wheels of the notebooks',
  requirements: ['markupsafe==2.1.2'],
  targets: [{ python: 'cp311', platforms: ['linux/amd64', 'linux/s390x'] }],
  builder: 'wheel-builder',
  upstream: 'https://pypi.org/simple/',
  proxyUpstream: false,
  timeout: '30m',
} as WheelSet;

describe('wheelSetChanges', () => {
  it('changes nothing when the form is as the set, whatever the order of the platforms', () => {
    const values = wheelSetValues(science);
    expect(wheelSetChanges(science, values)).toEqual({});
    expect(
      wheelSetChanges(science, {
        ...values,
        platforms: ['linux/s390x', 'linux/amd64'],
      }),
    ).toEqual({});
    expect(validateWheelSetChange(science, values)).toEqual({
      fields: {},
      valid: true,
      changed: false,
    });
  });

  it('sends only the fields changed, an emptied optional field as null', () => {
    const values = {
      ...wheelSetValues(science),
      owner: ' group:default/science ',
      description: '',
      upstream: '',
      platforms: ['linux/amd64'],
      reason: 'Only amd64 runs it',
    };
    expect(toChangeWheelSetRequest(science, values)).toEqual({
      changes: {
        owner: 'group:default/science',
        description: null,
        upstream: null,
        targets: [{ python: 'cp311', platforms: ['linux/amd64'] }],
      },
      reason: 'Only amd64 runs it',
    });
  });

  it('keeps the targets of a set with several, which the form cannot show', () => {
    const twoTargets = {
      ...science,
      targets: [
        { python: 'cp311', platforms: ['linux/amd64'] },
        { python: 'cp312', platforms: ['linux/s390x'] },
      ],
    } as WheelSet;
    expect(
      wheelSetChanges(twoTargets, {
        ...wheelSetValues(twoTargets),
        python: 'cp313',
      }),
    ).toEqual({});
  });

  it('checks the set as it would be after the change', () => {
    const values = { ...wheelSetValues(science), requirements: '' };
    expect(validateWheelSetChange(science, values)).toEqual({
      fields: {
        requirements: 'must have requirements, a requirementsFile, or both',
      },
      valid: false,
      changed: true,
    });
    expect(
      validateWheelSetChange(
        {
          ...science,
          requirementsFile: {
            repo: 'acme/data',
            path: 'r.txt',
            branch: 'main',
          },
        },
        values,
      ).valid,
    ).toBe(true);
  });
});

describe('backendFieldErrors', () => {
  it('reads the fields of a refused change', () => {
    expect(
      backendFieldErrors(
        'The wheel set would be invalid after this change: set.targets[0].platforms[0]: is not built; set.owner: is wrong',
      ),
    ).toEqual({ platforms: 'is not built', owner: 'is wrong' });
    expect(
      backendFieldErrors('changes.owner: must be an entity reference'),
    ).toEqual({ owner: 'must be an entity reference' });
    expect(
      backendFieldErrors(
        'changes: the wheel set science already has these values; nothing to change',
      ),
    ).toEqual({});
  });
});
