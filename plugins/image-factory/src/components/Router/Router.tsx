import { Route, Routes } from 'react-router-dom';
import { enrollRouteRef } from '../../routes';
import { EnrollPage } from '../EnrollPage';
import { ImageFactoryPage } from '../ImageFactoryPage';

/**
 * The plugin's pages under its mount point: the status page at its root and
 * the enroll page at `enrollRouteRef`'s path.
 */
export function Router() {
  return (
    <Routes>
      <Route path="/" element={<ImageFactoryPage />} />
      <Route path={enrollRouteRef.path} element={<EnrollPage />} />
    </Routes>
  );
}
