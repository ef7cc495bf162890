// The only bridge between the sandboxed renderer and the main side: three functions, no raw
// ipcRenderer. Inputs are validated again by the main side against the contract's schemas.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppEvent, OtdBridge } from './api/contract';

const bridge: OtdBridge = {
  call: (name, input) => ipcRenderer.invoke('otd:call', String(name), input),
  onEvent: (listener) => {
    const wrapped = (_e: IpcRendererEvent, event: AppEvent) => listener(event);
    ipcRenderer.on('otd:event', wrapped);
    return () => ipcRenderer.removeListener('otd:event', wrapped);
  },
  saveJobFile: (jobId) => ipcRenderer.invoke('otd:save-job-file', String(jobId)),
};

contextBridge.exposeInMainWorld('otd', bridge);
