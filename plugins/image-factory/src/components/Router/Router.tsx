import { Route, Routes } from 'react-router-dom';
import {
  enrollRouteRef,
  lifecycleRouteRef,
  refineryRouteRef,
} from '../../routes';
import { EnrollPage } from '../EnrollPage';
import { ImageFactoryPage } from '../ImageFactoryPage';
import { LifecyclePage } from '../LifecyclePage';
import { RefineryPage } from '../RefineryPage';

/**
 * The plugin's pages under its mount point: the status page at its root,
 * the enroll page at `enrollRouteRef`'s path, the lifecycle page at
 * `lifecycleRouteRef`'s and the wheel refinery at `refineryRouteRef`'s.
 */
export function Router() {
  return (
    <Routes>
      <Route path="/" element={<ImageFactoryPage />} />
      <Route path={enrollRouteRef.path} element={<EnrollPage />} />
      <Route path={lifecycleRouteRef.path} element={<LifecyclePage />} />
      <Route path={refineryRouteRef.path} element={<RefineryPage />} />
    </Routes>
  );
}
