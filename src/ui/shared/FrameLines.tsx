/** A frame computed as plain lines (charts and tables), one Text row each, never wrapping. */
import { Box, Text } from 'ink';

export function FrameLines({ lines }: { lines: readonly string[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
