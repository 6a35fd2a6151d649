export { analyzeDockerfile } from './analyzeDockerfile';
export type { AnalyzeDockerfileOptions } from './analyzeDockerfile';
