import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

/** entra-bridge.js, loaded by signed-in.html in the sign-in popup: hands Entra's answer to the console window. */
void broadcastResponseToMainFrame();
