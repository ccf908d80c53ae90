/** commander options made from a settings table (settings/setting.ts): one flag per setting that has one. */
import { Option } from 'commander';
import { showValue, type Setting, type SettingsTable } from '../settings/setting.js';
import { parser } from './parsers.js';

/** A flag's option: its kind's parser (or commander's choices), its bound, and its default. */
export function settingOption<T>(setting: Setting<T>): Option {
  const { flag, type, max } = setting;
  if (flag === undefined) throw new Error('a setting without a flag has no option');
  const option = new Option(flag, setting.help ?? '');
  if (type.choices) option.choices(type.choices);
  else option.argParser(parser(type, max, setting.shownMax));
  // A list as it is typed ("0.5,0.8,1"), not as JSON; other values as commander shows them.
  const shown = setting.shownDefault ?? (Array.isArray(setting.default) ? showValue(setting.default) : undefined);
  if (setting.default !== null && setting.shownDefault !== null) option.default(setting.default, shown);
  return option;
}

/** A table's flags as options, each with the config field it sets (the options' attribute names differ: --batch sets batchSize). */
export function settingOptions<C>(table: SettingsTable<C>): { option: Option; key: keyof C }[] {
  return (Object.entries(table) as [keyof C, Setting<unknown>][])
    .filter(([, setting]) => setting.flag !== undefined)
    .map(([key, setting]) => ({ option: settingOption(setting), key }));
}
