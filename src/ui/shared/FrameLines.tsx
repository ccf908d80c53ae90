/**
 * A frame computed as plain lines (charts, tables, status), one Text row
 * each in a box `width` columns wide: Ink cuts a line that does not fit
 * (`…` at the end), so the views hand it whole lines and never cut them
 * themselves. Charts are composed to the width already.
 */
import { Box, Text } from 'ink';

export function FrameLines({ lines, width }: { lines: readonly string[]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
