import { ConfigReader } from '@backstage/config';
import { readRegistriesConfig } from './readRegistriesConfig';

const read = (registries?: object) =>
  readRegistriesConfig(
    new ConfigReader(registries ? { imageFactory: { registries } } : {}),
  );

describe('readRegistriesConfig', () => {
  it('gives every registry request 30 seconds unless told', () => {
    expect(read()).toEqual({ requestTimeoutMs: 30_000 });
    expect(read({})).toEqual({ requestTimeoutMs: 30_000 });
    expect(read({ requestTimeout: { seconds: 5 } })).toEqual({
      requestTimeoutMs: 5_000,
    });
    expect(read({ requestTimeout: '2m' })).toEqual({
      requestTimeoutMs: 120_000,
    });
  });

  it.each([[{ seconds: 0 }], ['soon'], [42]])(
    'stops startup on requestTimeout %p, naming the key',
    requestTimeout => {
      expect(() => read({ requestTimeout })).toThrow(
        /^imageFactory\.registries\.requestTimeout: /,
      );
    },
  );
});
