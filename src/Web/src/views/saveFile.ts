/** Hands a file the console fetched (the bearer token rides on fetches, not on links) to the browser as a download. */
export function saveFile(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The browser reads the file after the click returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
