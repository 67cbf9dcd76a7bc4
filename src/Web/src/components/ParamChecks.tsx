import { toggle } from '../views/params';

/** A repeated query parameter as a group of checkboxes (status=Online&status=Alert): one per value, ticked when present. */
export function ParamChecks({ legend, name, options, selected, filter }: {
  legend: string;
  name: string;
  options: readonly string[];
  selected: readonly string[];
  filter: (change: (next: URLSearchParams) => void) => void;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} className="check">
          <input type="checkbox" checked={selected.includes(option)} onChange={() => filter((next) => toggle(next, name, option))} /> {option}
        </label>
      ))}
    </fieldset>
  );
}
