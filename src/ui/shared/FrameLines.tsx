/**
 * A frame computed as plain lines (charts, tables, status), one Text row
 * each in a box `width` columns wide. The views hand it whole lines: a line
 * of plain text wider than the box is cut here, ending with `…`, by
 * charnn's measure of widths, which never falls short of what the terminal
 * draws (util/text.ts says why Ink's does for emoji); a chart line is
 * composed to the width already (its colour codes take no columns). Ink's
 * `wrap="truncate-end"` stays as a guard: a line can never wrap.
 */
import { Box, Text } from 'ink';
import { truncate } from '../../util/text.js';

export function FrameLines({ lines, width }: { lines: readonly string[]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.includes('\u001b') ? line : truncate(line, width)}
        </Text>
      ))}
    </Box>
  );
}
