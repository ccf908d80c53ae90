/** charnn's version, written into every checkpoint and shown by --version; equal to package.json's (a test checks). */
export const CHARNN_VERSION = '0.1.0';
