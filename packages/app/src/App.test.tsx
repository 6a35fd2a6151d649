import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import App from './App';

// Nothing listens on port 1, so every backend call fails fast; the tests check
// what the app renders on its own, not what a backend returns.
const BACKEND_URL = 'http://127.0.0.1:1';

describe('App', () => {
  beforeEach(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: BACKEND_URL },
          },
          context: 'test',
        },
      ] as any,
    };
    localStorage.clear();
    window.history.pushState({}, '', '/');
  });

  it('offers guest sign-in under the configured title', async () => {
    render(<App />);

    expect(
      await screen.findByRole('heading', { name: 'Test' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });

  it('serves the Image Factory page at /image-factory, linked from the sidebar', async () => {
    // A returning guest: SignInPage `auto` signs in again with the provider it
    // stored last time, and without an auth backend the guest provider falls
    // back to the legacy guest token when that flag is set (core-components'
    // SignInPage/providers and guestProvider).
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');
    window.history.pushState({}, '', '/image-factory');

    render(<App />);

    expect(
      await screen.findByText('Factory status', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { level: 1, name: 'Image Factory' }),
    ).toBeInTheDocument();
    const nav = within(screen.getByRole('navigation'));
    expect(nav.getByRole('link', { name: 'Image Factory' })).toHaveAttribute(
      'href',
      '/image-factory',
    );
    expect(nav.queryByRole('link', { name: 'APIs' })).not.toBeInTheDocument();
    expect(nav.queryByRole('link', { name: 'Docs' })).not.toBeInTheDocument();
    // The status request reaches no backend, so the page ends in its error state.
    expect(
      await screen.findByText(
        /Could not load the factory status/,
        {},
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  }, 30000);

  it('serves the enroll page at /image-factory/enroll, linked from the sidebar', async () => {
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');
    window.history.pushState({}, '', '/image-factory/enroll');

    render(<App />);

    expect(
      await screen.findByRole(
        'form',
        { name: 'Enroll an image' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
    const nav = within(screen.getByRole('navigation'));
    expect(nav.getByRole('link', { name: 'Enroll image' })).toHaveAttribute(
      'href',
      '/image-factory/enroll',
    );
    // The list request reaches no backend, so the list ends in its error state.
    expect(
      await screen.findByText(
        /Could not load the change requests/,
        {},
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  }, 30000);

  it('opens on every Image in the catalog, with ImageBuild and Wheel in the kind filter', async () => {
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');
    window.history.pushState({}, '', '/');

    render(<App />);

    await waitFor(() => expect(window.location.pathname).toBe('/catalog'), {
      timeout: 10000,
    });
    const params = new URLSearchParams(window.location.search);
    expect(params.get('filters[kind]')).toBe('image');
    expect(params.get('filters[user]')).toBe('all');
    const kind = await screen.findByRole(
      'button',
      { name: /Image/ },
      { timeout: 10000 },
    );
    await userEvent.click(kind);
    const options = within(await screen.findByRole('listbox'))
      .getAllByRole('option')
      .map(o => o.textContent);
    expect(options).toEqual(
      expect.arrayContaining(['Image', 'ImageBuild', 'Wheel', 'Provider']),
    );
  }, 30000);
});
