/* xpoke.c -- drives an X display like a user, for the viewer's Xvfb tests:
 *   xpoke move X Y | click [BUTTON] | wheel up|down | key KEYSYM | sleep MS ...
 * (a sequence of commands).  Uses the XTest extension; its functions are
 * declared here because only the runtime library (libXtst.so.6) is needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <X11/Xlib.h>

extern int XTestFakeMotionEvent(Display *, int, int, int, unsigned long);
extern int XTestFakeButtonEvent(Display *, unsigned int, Bool, unsigned long);
extern int XTestFakeKeyEvent(Display *, unsigned int, Bool, unsigned long);

int main(int argc, char **argv)
{
   Display *d = XOpenDisplay(NULL);
   if (!d) {
      fprintf(stderr, "xpoke: cannot open the display\n");
      return 2;
   }
   for (int i = 1; i < argc; i++) {
      const char *c = argv[i];
      if (!strcmp(c, "move") && i + 2 < argc) {
         XTestFakeMotionEvent(d, -1, atoi(argv[i + 1]), atoi(argv[i + 2]), 0);
         i += 2;
      } else if (!strcmp(c, "click")) {
         unsigned b = (i + 1 < argc && argv[i + 1][0] >= '1' && argv[i + 1][0] <= '9')
                      ? (unsigned)atoi(argv[++i]) : 1;
         XTestFakeButtonEvent(d, b, True, 0);
         XTestFakeButtonEvent(d, b, False, 0);
      } else if (!strcmp(c, "wheel") && i + 1 < argc) {
         unsigned b = !strcmp(argv[++i], "up") ? 4 : 5;
         XTestFakeButtonEvent(d, b, True, 0);
         XTestFakeButtonEvent(d, b, False, 0);
      } else if (!strcmp(c, "key") && i + 1 < argc) {
         KeySym ks = XStringToKeysym(argv[++i]);
         KeyCode kc = ks != NoSymbol ? XKeysymToKeycode(d, ks) : 0;
         if (!kc) {
            fprintf(stderr, "xpoke: unknown key %s\n", argv[i]);
            return 2;
         }
         XTestFakeKeyEvent(d, kc, True, 0);
         XTestFakeKeyEvent(d, kc, False, 0);
      } else if (!strcmp(c, "sleep") && i + 1 < argc) {
         XFlush(d);
         usleep((useconds_t)atoi(argv[++i]) * 1000);
      } else {
         fprintf(stderr, "xpoke: bad command %s\n", c);
         return 2;
      }
      XFlush(d);
   }
   XSync(d, False);
   XCloseDisplay(d);
   return 0;
}
