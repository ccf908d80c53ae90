/** One finished item (eval, checkpoint, warning, error) in the scroll-back above the dashboard. */
import { Text } from 'ink';
import type { LogEntry } from './dashboard-state.js';
import { formatCheckpointLine, formatErrorLine, formatEvalLine, formatNoteLine, formatWarningLine } from './event-lines.js';

type Tone = { color?: 'green' | 'yellow' | 'red' | 'gray'; bold?: boolean; dimColor?: boolean };

function describe(entry: LogEntry): { text: string; tone: Tone } {
  switch (entry.kind) {
    case 'eval':
      return { text: formatEvalLine(entry.event), tone: entry.event.improved ? { color: 'green' } : {} };
    case 'checkpoint':
      return { text: formatCheckpointLine(entry.event), tone: { dimColor: true } };
    case 'warning':
      return { text: formatWarningLine(entry.event), tone: { color: 'yellow' } };
    case 'note':
      return { text: formatNoteLine(entry.text), tone: { color: 'gray' } };
    case 'error':
      return { text: formatErrorLine(entry.event), tone: { color: 'red', bold: true } };
  }
}

export function LogLine({ entry, color }: { entry: LogEntry; color: boolean }) {
  const { text, tone } = describe(entry);
  return <Text {...(color ? tone : {})}>{text}</Text>;
}
