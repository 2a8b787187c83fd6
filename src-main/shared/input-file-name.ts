/**
 * The name of a job's input photo inside `input/`, for host and renderer: it keeps the source's
 * extension (format sniffing does not rely on it) under a fixed safe name.
 */
/** The job folder's subfolder that holds the input photo as imported. */
export const INPUT_DIR = 'input';

export function inputFileName(sourceName: string): string {
  const base = sourceName.split(/[\\/]/).pop() ?? sourceName;
  const dot = base.lastIndexOf('.');
  const ext = (dot > 0 ? base.slice(dot) : '')
    .toLowerCase()
    .replace(/[^.a-z0-9]/g, '')
    .slice(0, 8);
  return `photo${ext || '.bin'}`;
}

/** The input photo's path inside the job folder. */
export const inputPhotoPath = (sourceName: string): string => `${INPUT_DIR}/${inputFileName(sourceName)}`;
