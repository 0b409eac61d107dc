/* fdcheck.c -- prints the file descriptors a program finds open above 2
 * and the number the next open() returns: under pervert these must be the
 * same as natively (the tool forks its consumer; nothing of that may show
 * in the program's descriptor table). */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
   int fd = open("/dev/null", O_RDONLY);
   printf("next fd: %d\n", fd);
   close(fd);
   /* which low descriptors are open (the environment's own are the same
    * natively and under pervert, so the comparison is still exact) */
   printf("open:");
   for (int i = 3; i < 64; i++)
      if (fcntl(i, F_GETFD) != -1)
         printf(" %d", i);
   printf("\n");
   return 0;
}
