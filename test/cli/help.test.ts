/** Help at 80 columns: nothing wider (so the terminal never breaks a word), list defaults as typed. */
import { describe, expect, it } from 'vitest';
import { makeProgram } from '../../src/cli/main.js';

describe('--help', () => {
  const program = makeProgram();
  const all = [program, ...program.commands];

  it.each(all.map((c) => [c.name(), c] as const))('%s fits 80 columns', (_name, command) => {
    let help = '';
    command.configureOutput({ ...command.configureOutput(), getOutHelpWidth: () => 80, writeOut: (text) => (help += text) });
    command.outputHelp(); // with the text added after the options (charnn sample's keys)
    expect(help.length).toBeGreaterThan(100);
    for (const line of help.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(help).not.toMatch(/default: \[/);
  });

  it('lists commands by name and arguments, descriptions wrapped at word boundaries', () => {
    program.configureOutput({ ...program.configureOutput(), getOutHelpWidth: () => 80 });
    const help = program.helpInformation();
    expect(help).toMatch(/^ {2}train \[corpus\] +train a character-level language model on a text$/m);
    expect(help).toMatch(/^ {2}runs \[dir\|run\.\.\.\] +list the training runs/m);
    expect(help).not.toContain('[options] <checkpoint>');
  });

  it('shows list defaults as they are typed', () => {
    const train = program.commands.find((c) => c.name() === 'train')!;
    const generate = program.commands.find((c) => c.name() === 'generate')!;
    expect(train.helpInformation().replace(/\s+/g, ' ')).toContain('(default: 0.5,0.8,1)');
    expect(generate.helpInformation().replace(/\s+/g, ' ')).toMatch(/--temperature <x> .*\(default: 0\.8\)/);
    expect(generate.helpInformation().replace(/\s+/g, ' ')).toMatch(/e\.g\. '\\r\\n\\r\\n'\) \(default: none\)/);
  });
});
