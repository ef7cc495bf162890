// The Electron adapter of the contract: one IPC channel for calls, validated by sender and schema.
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { copyFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AppContext } from './context';
import { dispatch } from './dispatch';

export function registerIpc(ctx: AppContext, appUrl: (url: string) => boolean): () => void {
  const trusted = (e: IpcMainInvokeEvent) => {
    const url = e.senderFrame?.url ?? '';
    if (!appUrl(url)) throw new Error(`IPC refused from untrusted frame ${url}`);
  };
  ipcMain.handle('otd:call', (e, name: unknown, input: unknown) => {
    trusted(e);
    return dispatch(ctx, typeof name === 'string' ? name : '', input);
  });
  ipcMain.handle('otd:save-job-file', async (e, jobId: unknown) => {
    trusted(e);
    const job = typeof jobId === 'string' ? ctx.jobs.get(jobId) : null;
    const result = job?.status === 'done' ? (job.result as { file?: string; fileName?: string }) : null;
    if (!result?.file) return { saved: false };
    const win = BrowserWindow.fromWebContents(e.sender);
    const choice = await dialog.showSaveDialog(win!, { defaultPath: result.fileName ?? basename(result.file) });
    if (choice.canceled || !choice.filePath) return { saved: false };
    await copyFile(result.file, choice.filePath);
    return { saved: true, path: choice.filePath };
  });
  const unsubscribe = ctx.subscribe((event) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('otd:event', event);
  });
  return () => {
    ipcMain.removeHandler('otd:call');
    ipcMain.removeHandler('otd:save-job-file');
    unsubscribe();
  };
}
