import { DockerfileParser } from 'dockerfile-ast';
import { BuildFailureLocation } from '../errors';

// BuildKit's Dockerfile frontend names each instruction's vertex
// `[<stage> <i>/<n>] <instruction>`: the stage is its `AS` name, else
// `stage-<index>`, and is left out when the file has one unnamed stage; only
// these instructions are counted, FROM only when it pulls an image.
const COUNTED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);
const VERTEX_NAME = /^\[(?:(.+) )?(\d+)\/(\d+)\] (.*)$/s;
const PLATFORM_LABEL = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

interface StageSteps {
  name?: string;
  /** 1-based Dockerfile line of each counted instruction, in order. */
  lines: number[];
}

/** Maps BuildKit vertex names back to Dockerfile lines. */
export class VertexLocator {
  private readonly stages: StageSteps[] = [];
  private readonly lines: string[];

  constructor(dockerfileText: string) {
    this.lines = dockerfileText.split(/\r?\n/);
    for (const instruction of DockerfileParser.parse(
      dockerfileText,
    ).getInstructions()) {
      const keyword = instruction.getKeyword().toUpperCase();
      const line = instruction.getRange().start.line + 1;
      if (keyword === 'FROM') {
        const args = instruction
          .getArguments()
          .map(a => a.getValue())
          .filter(a => !a.startsWith('--'));
        const as = args.findIndex(a => a.toUpperCase() === 'AS');
        const base = args[0]?.toLowerCase() ?? '';
        // FROM scratch and FROM <earlier stage> pull nothing: no vertex.
        const pulls =
          base !== 'scratch' && !this.stages.some(s => s.name === base);
        this.stages.push({
          name: as >= 0 ? args[as + 1]?.toLowerCase() : undefined,
          lines: pulls ? [line] : [],
        });
      } else if (COUNTED.has(keyword) && this.stages.length > 0) {
        this.stages[this.stages.length - 1].lines.push(line);
      }
    }
  }

  /** Where the vertex named `name` is in the Dockerfile; empty for internal vertices. */
  locate(name: string): BuildFailureLocation {
    const match = VERTEX_NAME.exec(name);
    if (!match) return {};
    const [, label, index, total, instruction] = match;
    const stage = this.stage(label);
    const line = stage?.lines[Number(index) - 1];
    const step = `[${
      label ? `${label} ` : ''
    }${index}/${total}] ${instruction}`;
    if (line === undefined) return { step, instruction };
    return {
      step,
      stepNumber: Number(index),
      line,
      instruction: this.lines[line - 1]?.trim() ?? instruction,
    };
  }

  private stage(label: string | undefined): StageSteps | undefined {
    // A multi-platform build puts the platform first: `linux/s390x build`.
    const words = (label ?? '').split(' ').filter(w => !PLATFORM_LABEL.test(w));
    const stageLabel = words.join(' ');
    if (!stageLabel) return this.stages[this.stages.length - 1];
    const byName = this.stages.find(s => s.name === stageLabel.toLowerCase());
    if (byName) return byName;
    const indexed = /^stage-(\d+)$/.exec(stageLabel);
    return indexed ? this.stages[Number(indexed[1])] : undefined;
  }
}
