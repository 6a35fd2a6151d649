export { analyzeDockerfile } from './analyzeDockerfile';
export type {
  AnalyzeDockerfileOptions,
  BaseImage,
  BaseImageUsage,
  BaseImageUsageKind,
  DockerfileAnalysis,
  DockerfileProblem,
  DockerfileStage,
} from './analyzeDockerfile';
