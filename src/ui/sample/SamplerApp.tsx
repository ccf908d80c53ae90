/**
 * The interactive sampler: a transcript of the conversation, an input line,
 * the settings and the keys. Typed text is fed to the model and the model's
 * continuation streams in character by character; the state carries over
 * from one prompt to the next until /reset. useSampler holds the state and
 * handles the keys; samplerLayout lays a frame out from it and SamplerScreen
 * draws those rows. The layout tells useSampler how far the /help box can
 * scroll, so its keys stop at the ends.
 */
import { useRef } from 'react';
import { Box } from 'ink';
import { Line, type Row } from '../shared/Line.js';
import { useTerminalSize } from '../shared/useTerminalSize.js';
import { editText, inputRow } from './line-editor.js';
import { candidatesRow, headerRow, helpBox, keysRow, messageRows, statusRow, type HeaderInfo } from './sampler-rows.js';
import { helpLines } from './settings.js';
import { transcriptRows } from './transcript.js';
import { useSampler, type HelpScroll, type SamplerOptions, type SamplerView } from './useSampler.js';

export interface SamplerAppProps extends SamplerOptions {
  color: boolean;
  header: HeaderInfo;
}

export function SamplerApp(props: SamplerAppProps) {
  const helpScroll = useRef<HelpScroll>({ max: 0, page: 1 });
  const view = useSampler(props, helpScroll);
  const { columns, rows } = useTerminalSize();
  // One row short of the screen, like the dashboard: a frame as tall as the terminal makes Ink redraw everything.
  const layout = samplerLayout({ view, header: props.header, width: Math.max(1, columns), height: Math.max(1, rows - 1), color: props.color });
  helpScroll.current = layout.help;
  return <SamplerScreen rows={layout.rows} width={Math.max(1, columns)} color={props.color} />;
}

interface SamplerScreenProps {
  view: SamplerView;
  header: HeaderInfo;
  width: number;
  height: number;
  color: boolean;
}

interface SamplerLayout {
  rows: Row[];
  /** How far the /help box can scroll at this size (0 when it is closed or fits), and its page. */
  help: HelpScroll;
}

/** A frame, top to bottom: header, transcript (or the help box over its end), then the fixed rows. */
function samplerLayout({ view: v, header, width, height, color }: SamplerScreenProps): SamplerLayout {
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
  const box = v.help ? helpBox('charnn sample: keys and commands', helpLines(color), width, room, v.helpScroll) : null;
  const help = box?.rows ?? [];
  const transcript = transcriptRows(v.blocks, width, room - help.length, s.heat, s.unit !== null);
  while (transcript.length < room - help.length) transcript.push([]);
  transcript.push(...help);
  return { rows: [...top, ...transcript, ...bottom].slice(-height), help: { max: box?.maxScroll ?? 0, page: box?.page ?? 1 } };
}

/** The rows of a frame (samplerLayout's). */
export function samplerRows(props: SamplerScreenProps): Row[] {
  return samplerLayout(props).rows;
}

function SamplerScreen({ rows, width, color }: { rows: Row[]; width: number; color: boolean }) {
  return (
    <Box flexDirection="column" width={width}>
      {rows.map((row, i) => (
        <Line key={i} row={row} width={width} color={color} />
      ))}
    </Box>
  );
}
