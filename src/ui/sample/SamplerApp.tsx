/**
 * The interactive sampler: a transcript of the conversation, an input line,
 * the settings and the keys. Typed text is fed to the model and the model's
 * continuation streams in character by character; the state carries over
 * from one prompt to the next until /reset. useSampler holds the state and
 * handles the keys; SamplerScreen is a pure render of it.
 */
import { Box } from 'ink';
import { Line, type Row } from '../shared/Line.js';
import { useTerminalSize } from '../shared/useTerminalSize.js';
import { editText, inputRow } from './line-editor.js';
import { candidatesRow, headerRow, helpBoxRows, keysRow, messageRows, statusRow, type HeaderInfo } from './sampler-rows.js';
import { helpLines } from './settings.js';
import { transcriptRows } from './transcript.js';
import { useSampler, type SamplerOptions, type SamplerView } from './useSampler.js';

export interface SamplerAppProps extends SamplerOptions {
  color: boolean;
  header: HeaderInfo;
}

export function SamplerApp(props: SamplerAppProps) {
  const view = useSampler(props);
  const { columns, rows } = useTerminalSize();
  // One row short of the screen, like the dashboard: a frame as tall as the terminal makes Ink redraw everything.
  return <SamplerScreen view={view} header={props.header} width={Math.max(1, columns)} height={Math.max(1, rows - 1)} color={props.color} />;
}

export interface SamplerScreenProps {
  view: SamplerView;
  header: HeaderInfo;
  width: number;
  height: number;
  color: boolean;
}

/** The rows of a frame, top to bottom: header, transcript (or the help box over its end), then the fixed rows. */
export function samplerRows({ view: v, header, width, height, color }: SamplerScreenProps): Row[] {
  const s = v.settings;
  const line = editText(v.edit);
  const bottom: Row[] = [];
  if (v.candidates) bottom.push(candidatesRow(v.candidates, width));
  if (v.message) bottom.push(...messageRows(v.message.text, v.message.tone, width));
  bottom.push(
    inputRow(v.edit, width, {
      prompt: '› ',
      placeholder: v.generating ? ' Esc stops the model' : ' type text, Enter to generate (empty Enter continues)',
      active: true,
    }),
  );
  bottom.push(statusRow(s, width, { generating: v.generating, lastSeed: v.lastSeed, color }));
  bottom.push(keysRow(width, v.generating !== null, line.startsWith('/') && !line.startsWith('//')));
  const top = [headerRow(header, v.position, width)];
  const room = Math.max(0, height - top.length - bottom.length);
  // The help box covers the end of the transcript, which stays as it was underneath.
  const help = v.help ? helpBoxRows('charnn sample: keys and commands', helpLines(color), width, room) : [];
  const transcript = transcriptRows(v.blocks, width, room - help.length, s.heat, s.unit !== null);
  while (transcript.length < room - help.length) transcript.push([]);
  transcript.push(...help);
  return [...top, ...transcript, ...bottom].slice(-height);
}

function SamplerScreen(props: SamplerScreenProps) {
  return (
    <Box flexDirection="column" width={props.width}>
      {samplerRows(props).map((row, i) => (
        <Line key={i} row={row} width={props.width} color={props.color} />
      ))}
    </Box>
  );
}
