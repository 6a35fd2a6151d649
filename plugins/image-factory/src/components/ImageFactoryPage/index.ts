export { ImageFactoryPage } from './ImageFactoryPage';
