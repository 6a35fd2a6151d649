/**
 * jsdom lays nothing out, and Backstage's LogViewer renders its window of
 * lines only into a box with a size: give every element an 800×480 box.
 * Undo with `jest.restoreAllMocks()`.
 */
export function mockLogViewerLayout() {
  jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    x: 0,
    y: 0,
    top: 0,
    left: 0,
    bottom: 480,
    right: 800,
    width: 800,
    height: 480,
    toJSON: () => ({}),
  });
}
